package com.imagingmanifest.gateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/**
 * {@code --instances 2}: read, create and search paging with the same clients on one instance and
 * then spread over two instances on the same PostgreSQL database (a second gateway process started
 * now, same settings and signing key). On one machine the two share its cores: the figure shows what
 * a second instance costs, not what it gains on a second machine. Paging: the second page, through
 * the signed cursor the first page's next link carries (a keyset seek in the database, continued by
 * either instance), beside the first page of the same search.
 */
final class InstancesBench {
    private final BenchContext bench;
    private final BenchOptions options;

    InstancesBench(BenchContext bench) {
        this.bench = bench;
        this.options = bench.options();
    }

    void run(Path work, LiveGateway live, List<BenchStudy> studies) throws Exception {
        GatewayProcess first = live.current();
        try (GatewayProcess second = live.another(Files.createDirectories(work.resolve("instance-2")))) {
            bench.progress(String.format(Locale.ROOT, "second gateway pid %d ready in %.2f s", second.pid(),
                    second.startSeconds()));
            List<String> bases = List.of(GatewayClient.fhirBase(first.port()), GatewayClient.fhirBase(second.port()));
            List<String> bodies = studies.stream().map(s -> bench.fhir().newJsonParser().encodeResourceToString(s.manifest()))
                    .toList();
            int clients = Math.max(2, options.readClients());
            String label = clients + " clients";
            AtomicLong next = new AtomicLong();
            List<String> created = Collections.synchronizedList(new ArrayList<>());
            LoadRun.Result[] create = new LoadRun.Result[2];
            LoadRun.Result[] read = new LoadRun.Result[2];
            DoubleSupplier both = () -> first.cpuSeconds() + second.cpuSeconds();
            for (int n = 1; n <= 2; n++) {
                List<String> targets = bases.subList(0, n);
                DoubleSupplier cpu = n == 1 ? first::cpuSeconds : both;
                // client c always asks instance c mod n, as a load balancer with sticky connections would
                create[n - 1] = LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
                    String body = bench.client().create(targets.get(c % targets.size()) + "/ImagingManifest",
                            bodies.get(CreateBench.nextStudy(next, studies))).body();
                    created.add(bench.fhir().newJsonParser().parseResource(ImagingManifest.class, body).getIdElement()
                            .getIdPart());
                }, cpu);
                read[n - 1] = LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
                    String id = created.get(r.nextInt(created.size()));
                    bench.client().read(targets.get(c % targets.size()) + "/ImagingManifest/" + id);
                }, cpu);
                bench.progress("instances: " + n + " done");
            }
            bench.report().add(new BenchReport.Row("create, 2 instances", label, clients, create[1], "1 instance", create[0],
                    null, null));
            bench.report().add(new BenchReport.Row("read, 2 instances", label, clients, read[1], "1 instance", read[0], null,
                    null));
            // every created manifest names the bench patient: a search with many pages
            String search = "/ImagingManifest?patient.identifier="
                    + GatewayClient.enc(BenchStudy.ISSUER + "|" + BenchStudy.PATIENT_ID) + "&_count=10";
            Bundle page1 = bench.fhir().newJsonParser().parseResource(Bundle.class, bench.client().read(bases.get(0) + search).body());
            if (page1.getLink(Bundle.LINK_NEXT) == null) {
                throw new IllegalStateException("the paging search has one page only");
            }
            // the link as the first instance made it, followed on the second
            String page2 = page1.getLink(Bundle.LINK_NEXT).getUrl().replace(bases.get(0), bases.get(1));
            LoadRun.Result firstPage = LoadRun.run(clients, options.warmup(), options.duration(),
                    (c, r) -> bench.client().read(bases.get(c % 2) + search), both);
            LoadRun.Result secondPage = LoadRun.run(clients, options.warmup(), options.duration(),
                    (c, r) -> bench.client().read(page2), both);
            bench.report().add(new BenchReport.Row("search page 2 (signed cursor, other instance)", label, clients, secondPage,
                    "page 1 of the same search", firstPage, null, null));
            bench.report().note("instances: a second gateway process on the same PostgreSQL database; both share this"
                    + " machine's cores, so two instances show the overhead of sharing one database, not a speed-up;"
                    + " paging: " + created.size() + " manifests of one patient, pages of 10");
        }
    }
}
