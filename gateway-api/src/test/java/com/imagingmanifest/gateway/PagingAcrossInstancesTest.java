package com.imagingmanifest.gateway;

import static com.imagingmanifest.gateway.ApiTestSupport.DEMO_ID;
import static com.imagingmanifest.gateway.ApiTestSupport.DEMO_SLUG;
import static com.imagingmanifest.gateway.ApiTestSupport.OTHER_SLUG;
import static com.imagingmanifest.gateway.ApiTestSupport.base;
import static com.imagingmanifest.gateway.ApiTestSupport.client;
import static com.imagingmanifest.gateway.ApiTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.imagingmanifest.gateway.store.IndexEntries;
import com.imagingmanifest.gateway.store.ManifestStore;
import com.imagingmanifest.testing.PostgresDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Search and history paging that any instance can continue (issue 19): two gateways (two Spring
 * contexts, each with its own HTTP server) on one PostgreSQL database, every next link followed on
 * the other one with HAPI's generic client; an expired page link answers 410, a changed one 400, one
 * used under another organization 400 without data, and the last page has no link to an empty page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagingAcrossInstancesTest {
    private static final int MANIFESTS = 40;
    private static final long T0 = 1_700_000_000_000L;

    private PostgresDatabase database;
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private int portA;
    private int portB;

    @BeforeAll
    void start() {
        database = PostgresDatabase.create();
        Map<String, Object> properties = new LinkedHashMap<>();
        OrthancApiContract.orthancOrganizations((name, value) -> properties.put(name, ((Supplier<?>) value).get()));
        properties.put("spring.datasource.url", database.jdbcUrl());
        properties.put("spring.datasource.username", database.username());
        properties.put("spring.datasource.password", database.password() == null ? "" : database.password());
        properties.put("server.port", "0");
        properties.put("server.address", "127.0.0.1");
        a = new SpringApplicationBuilder(GatewayApplication.class).properties(properties).run();
        b = new SpringApplicationBuilder(GatewayApplication.class).properties(properties).run();
        portA = Integer.parseInt(a.getEnvironment().getProperty("local.server.port"));
        portB = Integer.parseInt(b.getEnvironment().getProperty("local.server.port"));
        // manifests straight into the store: paging reads only the store, never the PACS
        List<ManifestStore.NewManifest> manifests = new ArrayList<>();
        for (int n = 0; n < MANIFESTS; n++) {
            manifests.add(new ManifestStore.NewManifest("page-" + n, Instant.ofEpochMilli(T0 + n * 1000L), json(n),
                    new IndexEntries(List.of(), List.of(new IndexEntries.Reference("patient", "Patient/paged")),
                            null, T0, T0 + 999), List.of()));
        }
        a.getBean(ManifestStore.class).createAll(DEMO_ID, manifests);
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        database.close();
    }

    private static String json(int n) {
        return "{\"resourceType\":\"ImagingManifest\",\"id\":\"page-" + n + "\",\"patient\":{\"reference\":"
                + "\"Patient/paged\"},\"authoringTime\":\"2023-11-14T22:13:20Z\",\"study\":[{\"uid\":\"urn:oid:2.25.9"
                + n + "\",\"series\":[{\"uid\":\"urn:oid:2.25.9" + n + ".1\",\"instance\":[{\"sopClass\":"
                + "\"urn:oid:1.2.840.10008.5.1.4.1.1.2\",\"uid\":\"urn:oid:2.25.9" + n + ".1.1\"}]}]}]}";
    }

    @Test
    void searchPagesFollowedOnTheOtherInstanceGiveEveryMatchOnceNewestFirstAndNoEmptyPage() {
        IGenericClient[] clients = {client(portA, DEMO_SLUG), client(portB, DEMO_SLUG)};
        Bundle page = clients[0].search().forResource(ImagingManifest.class)
                .where(ImagingManifest.PATIENT.hasId("Patient/paged")).count(10).returnBundle(Bundle.class).execute();
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; ; i++) {
            page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
            sizes.add(page.getEntry().size());
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            String next = page.getLink(Bundle.LINK_NEXT).getUrl();
            assertThat(next).startsWith(base(i % 2 == 1 ? portA : portB, DEMO_SLUG));
            // follow it on the other instance
            String other = next.replace(":" + (i % 2 == 1 ? portA : portB) + "/", ":" + (i % 2 == 1 ? portB : portA)
                    + "/");
            page.getLink(Bundle.LINK_NEXT).setUrl(other);
            page = clients[i % 2].loadPage().next(page).execute();
        }
        List<String> expected = new ArrayList<>();
        for (int n = MANIFESTS - 1; n >= 0; n--) {
            expected.add("page-" + n);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(sizes).as("40 matches in pages of 10: the fourth is the last, no empty fifth")
                .containsExactly(10, 10, 10, 10);
    }

    @Test
    void typeHistoryPagesFollowedOnTheOtherInstance() {
        IGenericClient[] clients = {client(portB, DEMO_SLUG), client(portA, DEMO_SLUG)};
        Bundle page = clients[0].history().onType(ImagingManifest.class).returnBundle(Bundle.class).count(15)
                .execute();
        List<String> seen = new ArrayList<>();
        for (int i = 1; ; i++) {
            // by fullUrl: the pollers may ingest KOS other tests left on the shared Orthanc, deletes included
            page.getEntry().forEach(e -> seen.add(new org.hl7.fhir.dstu3.model.IdType(e.getFullUrl()).getIdPart()
                    + "/" + e.getRequest().getMethod()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            int from = i % 2 == 1 ? portB : portA;
            int to = i % 2 == 1 ? portA : portB;
            page.getLink(Bundle.LINK_NEXT).setUrl(page.getLink(Bundle.LINK_NEXT).getUrl()
                    .replace(":" + from + "/", ":" + to + "/"));
            page = clients[i % 2].loadPage().next(page).execute();
        }
        List<String> ours = seen.stream().filter(id -> id.startsWith("page-")).toList();
        // each of ours has one version: a page overlapping another would show one twice
        assertThat(ours).hasSize(MANIFESTS).doesNotHaveDuplicates().startsWith("page-39/POST", "page-38/POST");
    }

    @Test
    void aChangedPageLinkIs400AndOneOfAnotherOrganizationTellsNothing() {
        String next = firstNext();
        String token = next.substring(next.indexOf("_cursor=") + "_cursor=".length()).split("&")[0];
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        // a client that rewrites the page size or the organization inside the cursor
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.replace("\"n\":10", "\"n\":500")
                .getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
        HttpResponse<String> changed = get(next.replace(token, forged));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(400);
        assertThat(outcome(changed).getIssueFirstRep().getDiagnostics()).contains("not valid");

        HttpResponse<String> foreign = get(next.replace("/organizations/" + DEMO_SLUG + "/",
                "/organizations/" + OTHER_SLUG + "/"));
        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(400);
        assertThat(foreign.body()).doesNotContain("page-3");
    }

    @Test
    void anExpiredPageLinkIs410WithAnOperationOutcome() throws Exception {
        String next = firstNext();
        String token = next.substring(next.indexOf("_cursor=") + "_cursor=".length()).split("&")[0];
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        // the same link as if made a day ago: signed with the instances' shared key, expired an hour ago
        String expired = payload.replaceAll("\"x\":\\d+", "\"x\":" + (System.currentTimeMillis() - 3_600_000L));
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(expired.getBytes(StandardCharsets.UTF_8));
        String secret = JdbcClient.create(a.getBean(javax.sql.DataSource.class))
                .sql("SELECT secret FROM signing_key WHERE key_name = 'page-links'").query(String.class).single();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256"));
        String signed = encoded + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(encoded.getBytes(StandardCharsets.US_ASCII)));
        HttpResponse<String> gone = get(next.replace(token, signed).replace(":" + portA + "/", ":" + portB + "/"));
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(410);
        assertThat(outcome(gone).getIssueFirstRep().getDiagnostics()).contains("expired");
    }

    private String firstNext() {
        Bundle first = client(portA, DEMO_SLUG).search().forResource(ImagingManifest.class)
                .where(ImagingManifest.PATIENT.hasId("Patient/paged")).count(10).returnBundle(Bundle.class).execute();
        return first.getLink(Bundle.LINK_NEXT).getUrl();
    }

    private static OperationOutcome outcome(HttpResponse<String> response) {
        return ApiTestSupport.CLIENT_FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    }
}
