package com.imagingmanifest.gateway.bench;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.studies.SyntheticCtStudy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The selection-scoped DICOMweb beside Orthanc's own WADO-RS (docs/performance.md, "Viewers"): one
 * selected 512 x 512 CT image (16-bit, 512 KiB as stored), fetched as {@code rendered} (Orthanc
 * renders a JPEG each time) and as {@code application/dicom} (the instance relayed byte for byte),
 * once through the gateway with a bearer token and once straight from Orthanc with its Basic
 * credentials. The load comes from wrk (keep-alive HTTP/1.1, {@code clients} connections), so the
 * load generator costs the same on both sides; ratio = gateway / direct requests per second.
 */
final class ViewerBench {
    static final int SIZE = 512;
    static final double TARGET = 0.8;
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private final BenchContext bench;
    private final BenchOptions options;
    private final DoubleSupplier gatewayCpu;

    ViewerBench(BenchContext bench, DoubleSupplier gatewayCpu) {
        this.bench = bench;
        this.options = bench.options();
        this.gatewayCpu = gatewayCpu;
    }

    /** What one wrk run measured. */
    record Wrk(double perSecond, long requests, long failures, String p50, String p99) {
    }

    void run(String root, String org, String token, PrivateOrthanc orthanc) throws IOException, InterruptedException {
        SyntheticCtStudy study = SyntheticCtStudy.of(Uid.generate(), 2, "Bench^Viewer", "P-VIEWER", "BENCH");
        for (byte[] file : study.part10Files(SIZE)) {
            orthanc.post("/instances", "application/dicom", file);
        }
        select(root, org, token, study);
        String path = "/studies/" + study.studyUid() + "/series/" + study.seriesUid() + "/instances/"
                + study.sopUids().get(0);
        String gateway = root + "/organizations/" + org + "/dicomweb" + path;
        String direct = orthanc.restUrl() + "/dicom-web" + path;
        String basic = "Basic " + Base64.getEncoder().encodeToString((orthanc.username() + ":" + orthanc.password())
                .getBytes(StandardCharsets.UTF_8));
        String bearer = token == null ? null : "Bearer " + token;
        int clients = options.readClients();
        for (String[] kind : new String[][] {{"rendered", "/rendered", "image/jpeg"},
            {"application/dicom", "", "multipart/related; type=\"application/dicom\"; transfer-syntax=*"}}) {
            Side through = new Side(gateway + kind[1], bearer);
            Side straight = new Side(direct + kind[1], basic);
            once(through.url, through.authorization, kind[2], clients, options.warmup());
            once(straight.url, straight.authorization, kind[2], clients, options.warmup());
            // alternating rounds: on a shared machine the load of others changes from minute to minute,
            // and both sides must meet the same conditions
            for (int round = 0; round < ROUNDS; round++) {
                for (Side side : List.of(through, straight)) {
                    double gatewayBefore = gatewayCpu.getAsDouble();
                    double pacsBefore = GatewayProcess.cpuSeconds(orthanc.pid());
                    Wrk w = once(side.url, side.authorization, kind[2], clients, options.duration());
                    side.add(w, gatewayCpu.getAsDouble() - gatewayBefore, GatewayProcess.cpuSeconds(orthanc.pid()) - pacsBefore);
                }
            }
            double ratio = straight.perSecond() == 0 ? 0 : through.perSecond() / straight.perSecond();
            bench.report().figure(new BenchReport.Figure("viewer WADO-RS " + kind[0] + ", x" + clients
                    + ": gateway scoped DICOMweb / Orthanc WADO-RS direct (wrk, " + ROUNDS + " alternating rounds of "
                    + Math.max(1, options.duration().toSeconds()) + " s)",
                    String.format(Locale.ROOT, "%.0f / %.0f per s = %.2fx; p50 %s / %s, p99 %s / %s (last round);"
                            + " CPU per request: gateway %.2f ms, Orthanc %.2f / %.2f ms; failures %d / %d",
                            through.perSecond(), straight.perSecond(), ratio, through.last.p50(), straight.last.p50(),
                            through.last.p99(), straight.last.p99(), through.gatewayCpuMillis(),
                            through.pacsCpuMillis(), straight.pacsCpuMillis(), through.failures, straight.failures),
                    ">= " + TARGET + "x", ratio >= TARGET && through.failures == 0));
            bench.progress("viewer " + kind[0] + " done: " + String.format(Locale.ROOT, "%.2fx", ratio));
        }
    }

    static final int ROUNDS = 3;

    /** One side of the comparison, summed over its rounds. */
    private final class Side {
        final String url;
        final String authorization;
        long requests;
        long failures;
        double seconds;
        double gatewayCpu;
        double pacsCpu;
        Wrk last;

        Side(String url, String authorization) {
            this.url = url;
            this.authorization = authorization;
        }

        void add(Wrk w, double gatewayCpuSeconds, double pacsCpuSeconds) {
            requests += w.requests();
            failures += w.failures();
            seconds += w.requests() / Math.max(1e-9, w.perSecond());
            gatewayCpu += gatewayCpuSeconds;
            pacsCpu += pacsCpuSeconds;
            last = w;
        }

        double perSecond() {
            return seconds == 0 ? 0 : requests / seconds;
        }

        double gatewayCpuMillis() {
            return requests == 0 ? Double.NaN : 1000 * gatewayCpu / requests;
        }

        double pacsCpuMillis() {
            return requests == 0 ? Double.NaN : 1000 * pacsCpu / requests;
        }
    }

    /** A manifest selecting the first instance, so that the scoped DICOMweb serves it. */
    private static void select(String root, String org, String token, SyntheticCtStudy study)
            throws IOException, InterruptedException {
        String manifest = "{\"resourceType\":\"ImagingManifest\",\"patient\":{\"identifier\":{\"system\":\"BENCH\","
                + "\"value\":\"P-VIEWER\"}},\"authoringTime\":\"2024-01-15T10:15:00+01:00\",\"study\":[{\"uid\":"
                + "\"urn:oid:" + study.studyUid() + "\",\"series\":[{\"uid\":\"urn:oid:" + study.seriesUid()
                + "\",\"instance\":[{\"sopClass\":\"urn:oid:" + study.sopClassUid() + "\",\"uid\":\"urn:oid:"
                + study.sopUids().get(0) + "\"}]}]}]}";
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(root + "/organizations/" + org
                + "/fhir/3/ImagingManifest")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(manifest));
        if (token != null) {
            post.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> created = HttpClient.newHttpClient().send(post.build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("the viewer bench's manifest: HTTP " + created.statusCode() + " "
                    + created.body());
        }
    }

    private static Wrk once(String url, String authorization, String accept, int clients, Duration duration)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", Integer.toString(Math.min(2, clients)), "-c",
                Integer.toString(clients), "-d", Math.max(1, duration.toSeconds()) + "s", "--latency", "--timeout",
                "30s", "-H", "Accept: " + accept));
        if (authorization != null) {
            command.addAll(List.of("-H", "Authorization: " + authorization));
        }
        command.add(url);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("wrk is missing: the viewer bench needs it (apt-get install -y wrk)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        Matcher rate = RATE.matcher(out);
        Matcher total = TOTAL.matcher(out);
        if (!rate.find() || !total.find()) {
            throw new IllegalStateException("unexpected wrk output: " + out);
        }
        long failures = 0;
        Matcher non2xx = NON_2XX.matcher(out);
        if (non2xx.find()) {
            failures += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET_ERRORS.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                failures += Long.parseLong(socket.group(g));
            }
        }
        return new Wrk(Double.parseDouble(rate.group(1)), Long.parseLong(total.group(1)), failures,
                percentile(out, "50%"), percentile(out, "99%"));
    }

    private static String percentile(String out, String which) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(which) + "\\s+(\\S+)").matcher(out);
        return m.find() ? m.group(1) : "?";
    }
}
