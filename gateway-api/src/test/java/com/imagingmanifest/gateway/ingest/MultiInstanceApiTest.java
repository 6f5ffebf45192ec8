package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ApiTestSupport.manifest;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.gateway.ApiTestSupport.Study;
import com.imagingmanifest.gateway.GatewayApplication;
import com.imagingmanifest.testing.PostgresDatabase;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two gateway instances on one PostgreSQL database and one Orthanc behave as one gateway to a
 * client that alternates between them (HAPI's generic client against each).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiInstanceApiTest {
    private static final int CONDITIONAL_PER_INSTANCE = 20;

    private PrivateOrthanc orthanc;
    private PostgresDatabase database;
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;

    @BeforeAll
    void start() {
        orthanc = PrivateOrthanc.start(Map.of());
        database = PostgresDatabase.create();
        Map<String, String> p = IngestTestSupport.properties(orthanc, null, false);
        p.put("spring.datasource.url", database.jdbcUrl());
        p.put("spring.datasource.username", database.username());
        p.put("spring.datasource.password", database.password());
        p.put("server.port", "0");
        p.put("gateway.security.startup-tokens", "false");
        List<String> args = new ArrayList<>();
        p.forEach((key, value) -> args.add("--" + key + "=" + value));
        a = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
        b = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, database, orthanc}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the others are closed all the same
            }
        }
    }

    private IGenericClient on(ConfigurableApplicationContext instance) {
        return client(((WebServerApplicationContext) instance).getWebServer().getPort(), DEMO);
    }

    @Test
    void aManifestCreatedOnOneInstanceIsReadAndUpdatedOnTheOther() {
        Study study = ApiTestSupport.newCtStudy(orthanc, "PAT-MULTI-1", "HOSPITAL-M");
        MethodOutcome created = on(a).create().resource(manifest(study, 1, "made on a")).execute();
        String id = created.getId().getIdPart();
        ImagingManifest read = on(b).read().resource(ImagingManifest.class).withId(id).execute();
        assertThat(read.getDescription()).isEqualTo("made on a");
        read.setDescription("changed on b");
        on(b).update().resource(read).execute();
        assertThat(on(a).read().resource(ImagingManifest.class).withId(id).execute().getMeta().getVersionId())
                .isEqualTo("2");
    }

    @Test
    void identicalConditionalCreatesOnBothInstancesMakeOneManifest() throws Exception {
        Study study = ApiTestSupport.newCtStudy(orthanc, "PAT-MULTI-CC", "HOSPITAL-M");
        String condition = "ImagingManifest?selected-study=" + study.studyUid();
        int clients = 2 * CONDITIONAL_PER_INSTANCE;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<MethodOutcome>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            IGenericClient client = on(i % 2 == 0 ? a : b);
            answers.add(pool.submit(() -> {
                go.await();
                return client.create().resource(manifest(study, 1, "conditional")).conditionalByUrl(condition)
                        .execute();
            }));
        }
        go.countDown();
        List<String> ids = new ArrayList<>();
        int created = 0;
        for (Future<MethodOutcome> answer : answers) {
            MethodOutcome outcome = answer.get(120, TimeUnit.SECONDS);
            ids.add(outcome.getId().getIdPart());
            if (Boolean.TRUE.equals(outcome.getCreated())) {
                created++;
            }
        }
        pool.shutdownNow();
        assertThat(created).as("201 answers among %d identical conditional creates", clients).isEqualTo(1);
        assertThat(ids).as("every answer names the one manifest").containsOnly(ids.get(0));
        Bundle found = on(a).search().forResource(ImagingManifest.class)
                .where(ImagingManifest.SELECTED_STUDY.matches().value(study.studyUid()))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).as("manifests of the study").hasSize(1);
        System.out.printf("[multi-instance] %d identical conditional creates on 2 instances: %d created, %d"
                + " answered with the existing manifest%n", clients, created, clients - created);
    }
}
