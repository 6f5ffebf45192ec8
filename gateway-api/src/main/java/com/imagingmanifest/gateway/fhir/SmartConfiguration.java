package com.imagingmanifest.gateway.fhir;

import com.imagingmanifest.gateway.security.CorsProperties;
import com.imagingmanifest.gateway.security.GatewaySecurityProperties;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.dstu3.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.dstu3.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.dstu3.model.CodeableConcept;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Extension;
import org.hl7.fhir.dstu3.model.UriType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How a client gets a token for this server, said twice: in the CapabilityStatement's
 * {@code rest.security} (STU3: the SMART-on-FHIR service and the {@code oauth-uris} extension) and as
 * the SMART App Launch discovery document {@code {base}/.well-known/smart-configuration}.
 *
 * <p>The gateway is a resource server only. The OAuth endpoints are those of the identity provider:
 * {@code gateway.security.authorization-endpoint} / {@code token-endpoint} when set, otherwise read
 * from the OpenID Provider metadata of {@code gateway.security.issuer-uri} (fetched on first use and
 * kept once it answered; after a failure, asked again a minute later at the earliest, so that a provider
 * that is down does not slow every {@code /metadata}). With the embedded issuer there is no OAuth endpoint at all (tokens come from
 * {@code ./gateway token}): the document then lists no token endpoint and no grant type.
 */
@Component
public final class SmartConfiguration {
    static final String PATH = ".well-known/smart-configuration";
    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
    static final String SECURITY_SERVICE = "http://hl7.org/fhir/restful-security-service";
    /** The scopes this server grants on (SMART v1 syntax, {@link com.imagingmanifest.gateway.security.SmartScopes}). */
    static final List<String> SCOPES = List.of("user/ImagingManifest.read", "user/ImagingManifest.write",
            "user/ImagingManifest.*", "system/ImagingManifest.read", "system/ImagingManifest.write",
            "system/ImagingManifest.*");

    private static final Logger log = LoggerFactory.getLogger(SmartConfiguration.class);

    private final GatewaySecurityProperties security;
    private final CorsProperties cors;
    private final AtomicReference<JsonObject> discovered = new AtomicReference<>();
    /** When the provider last failed to answer: no request waits for it again within {@link #RETRY_AFTER}. */
    private final java.util.concurrent.atomic.AtomicLong failedAt = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    public SmartConfiguration(GatewaySecurityProperties security, CorsProperties cors) {
        this.security = security;
        this.cors = cors;
    }

    /** The discovery document (SMART App Launch 2, "Metadata"). */
    String document() {
        JsonObject provider = provider();
        JsonObjectBuilder doc = Json.createObjectBuilder();
        String issuer = security.issuerUri() != null ? security.issuerUri().toString() : text(provider, "issuer");
        put(doc, "issuer", issuer);
        put(doc, "jwks_uri", security.jwkSetUri() != null ? security.jwkSetUri().toString() : text(provider, "jwks_uri"));
        String authorize = authorizationEndpoint(provider);
        String token = tokenEndpoint(provider);
        put(doc, "authorization_endpoint", authorize);
        put(doc, "token_endpoint", token);
        put(doc, "registration_endpoint", text(provider, "registration_endpoint"));
        put(doc, "introspection_endpoint", text(provider, "introspection_endpoint"));
        put(doc, "revocation_endpoint", text(provider, "revocation_endpoint"));
        List<String> grants = texts(provider, "grant_types_supported");
        if (grants.isEmpty() && token != null) {
            // RFC 8414's default minus the implicit grant, which SMART 2 no longer allows
            grants = authorize != null ? List.of("authorization_code") : List.of("client_credentials");
        }
        doc.add("grant_types_supported", array(grants));
        List<String> methods = new ArrayList<>(texts(provider, "code_challenge_methods_supported"));
        methods.remove("plain");   // SMART 2: S256, never plain
        if (methods.isEmpty() && authorize != null) {
            methods.add("S256");
        }
        doc.add("code_challenge_methods_supported", array(methods));
        List<String> auth = texts(provider, "token_endpoint_auth_methods_supported");
        if (!auth.isEmpty()) {
            doc.add("token_endpoint_auth_methods_supported", array(auth));
        }
        if (authorize != null) {
            doc.add("response_types_supported", array(List.of("code")));
        }
        doc.add("scopes_supported", array(SCOPES));
        // what the resource server itself honours: user-level access in SMART v1 scope syntax
        doc.add("capabilities", array(List.of("permission-user", "permission-v1")));
        return doc.build().toString();
    }

    /** Fills {@code rest.security}: CORS, the SMART-on-FHIR service and the OAuth endpoints when known. */
    void declare(CapabilityStatementRestComponent rest) {
        if (!security.enabled()) {
            rest.setSecurity(new CapabilityStatementRestSecurityComponent().setCors(cors.enabled())
                    .setDescription("No authentication (gateway.security.enabled=false)"));
            return;
        }
        CapabilityStatementRestSecurityComponent s = rest.getSecurity();
        s.setCors(cors.enabled());
        s.getService().clear();
        s.addService(new CodeableConcept().addCoding(new Coding(SECURITY_SERVICE, "SMART-on-FHIR", "SMART-on-FHIR"))
                .setText("OAuth2 bearer tokens (RFC 6750) with SMART on FHIR scopes"));
        s.setDescription("A bearer JWT in Authorization: the organization claim '" + security.organizationClaim()
                + "' names this organization and a SMART scope such as user/ImagingManifest.read grants access; "
                + (security.embeddedIssuer() ? "tokens of the gateway's own key come from ./gateway token. "
                        : "tokens come from the identity provider. ")
                + "Discovery: " + PATH + " under this base.");
        JsonObject provider = provider();
        String token = tokenEndpoint(provider);
        String authorize = authorizationEndpoint(provider);
        if (token != null || authorize != null) {
            Extension uris = new Extension(OAUTH_URIS);
            if (token != null) {
                uris.addExtension("token", new UriType(token));
            }
            if (authorize != null) {
                uris.addExtension("authorize", new UriType(authorize));
            }
            s.addExtension(uris);
        }
    }

    private String tokenEndpoint(JsonObject provider) {
        return security.tokenEndpoint() != null ? security.tokenEndpoint().toString() : text(provider, "token_endpoint");
    }

    private String authorizationEndpoint(JsonObject provider) {
        return security.authorizationEndpoint() != null ? security.authorizationEndpoint().toString()
                : text(provider, "authorization_endpoint");
    }

    /** The OpenID Provider metadata of {@code issuer-uri} (OpenID Connect Discovery 1.0, section 4), or empty. */
    private JsonObject provider() {
        JsonObject known = discovered.get();
        if (known != null || security.issuerUri() == null) {
            return known == null ? JsonValue.EMPTY_JSON_OBJECT : known;
        }
        long last = failedAt.get();
        if (last != Long.MIN_VALUE && System.nanoTime() - last < RETRY_AFTER.toNanos()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        String issuer = security.issuerUri().toString();
        URI uri = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                log.warn("SMART discovery: {} answered {}; OAuth endpoints left out for now", uri, r.statusCode());
                failedAt.set(System.nanoTime());
                return JsonValue.EMPTY_JSON_OBJECT;
            }
            JsonObject metadata = Json.createReader(new StringReader(r.body())).readObject();
            discovered.set(metadata);
            return metadata;
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("SMART discovery: {} not readable ({}); OAuth endpoints left out for now", uri, e.toString());
            failedAt.set(System.nanoTime());
            return JsonValue.EMPTY_JSON_OBJECT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JsonValue.EMPTY_JSON_OBJECT;
        }
    }

    private static String text(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : null;
    }

    private static List<String> texts(JsonObject o, String key) {
        if (!(o.get(key) instanceof JsonArray a)) {
            return List.of();
        }
        return a.stream().filter(JsonString.class::isInstance).map(v -> ((JsonString) v).getString()).toList();
    }

    private static void put(JsonObjectBuilder doc, String key, String value) {
        if (value != null) {
            doc.add(key, value);
        }
    }

    private static JsonArrayBuilder array(List<String> values) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        values.forEach(a::add);
        return a;
    }
}
