package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import com.imagingmanifest.gateway.store.SigningKeys;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The state of a search or history page held in its {@code next} link (parameter {@value #PARAMETER}):
 * the organization, what was asked, the page size and the sort key of the last entry shown, signed
 * with HMAC-SHA256 under a key kept in the database. Any instance on the database can continue it
 * after any restart; nothing is kept per search. A client cannot change it (400) nor use it under
 * another organization (400, before anything is read), and it expires after the configured lifetime
 * (410 Gone).
 */
final class PageLinks {
    static final String PARAMETER = "_cursor";
    private static final String KEY_NAME = "page-links";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /**
     * What a page link continues: a search ({@code id} and {@code since} null) or a history (of
     * one manifest when {@code id} is set), {@code parameters} the search parameters as given,
     * {@code now} the time the first page was asked for (relative dates keep their meaning),
     * {@code after} the sort values of the last entry shown.
     */
    record Cursor(String kind, String organization, String id, Long since, Map<String, List<String>> parameters,
            long now, int count, boolean total, List<Object> after, long expires) {
    }

    private final SigningKeys keys;
    private final Clock clock;
    private final Duration lifetime;

    PageLinks(SigningKeys keys, Clock clock, Duration lifetime) {
        this.keys = keys;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** The cursor of the page after the current one, valid for the configured lifetime from now. */
    String sign(Cursor c) {
        JsonObjectBuilder json = Json.createObjectBuilder().add("k", c.kind()).add("o", c.organization())
                .add("t", c.now()).add("n", c.count()).add("x", clock.millis() + lifetime.toMillis());
        if (c.id() != null) {
            json.add("i", c.id());
        }
        if (c.since() != null) {
            json.add("s", c.since());
        }
        if (c.total()) {
            json.add("c", true);
        }
        JsonObjectBuilder parameters = Json.createObjectBuilder();
        c.parameters().forEach((name, values) -> parameters.add(name, Json.createArrayBuilder(values)));
        json.add("q", parameters);
        JsonArrayBuilder after = Json.createArrayBuilder();
        for (Object value : c.after()) {
            if (value instanceof Long number) {
                after.add(number);
            } else {
                after.add((String) value);
            }
        }
        json.add("a", after);
        String payload = ENCODER.encodeToString(json.build().toString().getBytes(StandardCharsets.UTF_8));
        return payload + "." + ENCODER.encodeToString(mac(payload));
    }

    /**
     * The cursor in {@code token}, checked: 400 when it was not made by this gateway's database or
     * was changed, 410 when it expired, 400 when it belongs to another organization or another
     * kind of interaction (a search cursor on a history URL).
     */
    Cursor verify(String token, String organization, String kind, String id) {
        int dot = token.indexOf('.');
        byte[] signature;
        try {
            signature = dot < 0 ? null : DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            signature = null;
        }
        if (signature == null || !MessageDigest.isEqual(signature, mac(token.substring(0, dot)))) {
            throw new InvalidRequestException("The page link is not valid (" + PARAMETER
                    + " was changed or not made by this server); run the search again");
        }
        Cursor c;
        try {
            c = parse(new String(DECODER.decode(token.substring(0, dot)), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("The page link is not valid; run the search again");
        }
        if (c.expires() < clock.millis()) {
            throw new ResourceGoneException("The page link expired (page links are valid for "
                    + lifetime.toMinutes() + " minutes); run the search again");
        }
        if (!c.organization().equals(organization) || !c.kind().equals(kind)
                || !java.util.Objects.equals(c.id(), id)) {
            throw new InvalidRequestException("The page link belongs to another search; run the search again");
        }
        return c;
    }

    private static Cursor parse(String text) {
        JsonObject json = Json.createReader(new StringReader(text)).readObject();
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        json.getJsonObject("q").forEach((name, values) -> parameters.put(name,
                values.asJsonArray().getValuesAs(JsonString.class).stream().map(JsonString::getString).toList()));
        List<Object> after = new ArrayList<>();
        for (JsonValue value : json.getJsonArray("a")) {
            after.add(value instanceof JsonNumber number ? (Object) number.longValueExact()
                    : ((JsonString) value).getString());
        }
        return new Cursor(json.getString("k"), json.getString("o"), json.getString("i", null),
                json.containsKey("s") ? json.getJsonNumber("s").longValueExact() : null, parameters,
                json.getJsonNumber("t").longValueExact(), json.getInt("n"), json.getBoolean("c", false), after,
                json.getJsonNumber("x").longValueExact());
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.secret(KEY_NAME), "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
