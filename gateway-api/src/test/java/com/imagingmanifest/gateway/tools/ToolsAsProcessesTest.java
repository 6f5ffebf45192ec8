package com.imagingmanifest.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.imagingmanifest.kos.KosDocument;
import com.imagingmanifest.kos.ManifestToKos;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.GatewayScript;
import com.imagingmanifest.testing.GatewayScript.Result;
import com.imagingmanifest.testing.StoreScp;
import com.imagingmanifest.testing.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./gateway} tool run through the real launcher as a process, its standard output fed
 * to a parser: results alone on stdout, log lines and problems on stderr, {@code --help} everywhere.
 * The bench is not on this module's class path: {@code BenchAsProcessTest} in gateway-bench runs it.
 */
class ToolsAsProcessesTest {
    private static final FhirContext FHIR = FhirContext.forDstu3Cached();
    private static final List<String> TOOLS = List.of("dump", "to-kos", "to-manifest", "echo", "store", "find", "token");

    @TempDir
    Path dir;

    private Result gateway(String... args) {
        return GatewayScript.tool(dir, Map.of("GATEWAY_DATA_DIR", dir.resolve("data").toString()), args);
    }

    @Test
    void everyToolAnswersHelpOnStandardOutput() {
        for (String tool : TOOLS) {
            Result help = gateway(tool, "--help");
            assertThat(help.exit()).as(tool + ": " + help).isZero();
            assertThat(help.out()).as(tool).containsIgnoringCase("usage: gateway " + tool);
            assertThat(help.err()).as(tool).isEmpty();
        }
    }

    @Test
    void toKosReadsFhirXmlAndToManifestPrintsOnlyTheResource() throws Exception {
        ImagingManifest manifest = FHIR.newJsonParser().parseResource(ImagingManifest.class, manifestJson("2.25.71"));
        Path xml = Files.writeString(dir.resolve("manifest.xml"), FHIR.newXmlParser().encodeResourceToString(manifest));

        Result kos = gateway("to-kos", xml.toString(), dir.resolve("kos").toString());
        assertThat(kos.exit()).as(kos.toString()).isZero();
        List<String> uids = kos.out().lines().toList();
        assertThat(uids).as(kos.toString()).singleElement().asString().matches("[0-9.]+");
        Path file = dir.resolve("kos").resolve(uids.get(0) + ".dcm");
        assertThat(file).isRegularFile();

        Result json = gateway("to-manifest", file.toString());
        assertThat(json.exit()).as(json.toString()).isZero();
        // the whole of standard output is the resource: a strict parser accepts it as it is
        ImagingManifest back = FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler())
                .parseResource(ImagingManifest.class, json.out());
        assertThat(back.getStudyFirstRep().getUid()).isEqualTo("urn:oid:2.25.71");
        assertThat(back.getPatient().getIdentifier().getValue()).isEqualTo("PAT-TOOLS-1");
        assertThat(json.err()).doesNotContain("INFO");

        Result both = gateway("to-manifest", "--format", "xml", file.toString(), file.toString());
        assertThat(both.exit()).as(both.toString()).isZero();
        Bundle bundle = FHIR.newXmlParser().setParserErrorHandler(new StrictErrorHandler()).parseResource(Bundle.class, both.out());
        assertThat(bundle.getEntry()).hasSize(2);
    }

    @Test
    void badArgumentsAreOneLineOnStandardErrorWithStatus2() {
        List<List<String>> bad = List.of(List.of("echo", "--bogus"), List.of("echo", "A@localhost"),
                List.of("to-kos", "only-one"), List.of("to-manifest", "--format", "yaml", "x.dcm"), List.of("dump"),
                List.of("find", "A@127.0.0.1:104"), List.of("store", "A@127.0.0.1:104", dir.toString()),
                List.of("token", "--ttl", "1h"));
        for (List<String> args : bad) {
            Result r = gateway(args.toArray(String[]::new));
            assertThat(r.exit()).as(args + ": " + r).isEqualTo(2);
            assertThat(r.err().lines()).as(args + ": " + r).singleElement().asString().startsWith(args.get(0) + ": ");
            assertThat(r.out()).as(args.toString()).isEmpty();
        }
    }

    @Test
    void storeSendsADirectoryTreeOverTlsToDcmtkStorescp() throws Exception {
        Dcmtk.require("openssl");
        Path pacsKey = dir.resolve("pacs-key.pem");
        Path pacsCert = dir.resolve("pacs-cert.pem");
        Path ourKey = dir.resolve("our-key.pem");
        Path ourCert = dir.resolve("our-cert.pem");
        selfSigned(pacsKey, pacsCert, "PACS", "IP:127.0.0.1");
        selfSigned(ourKey, ourCert, "OPERATOR", "DNS:operator.example");
        Path tree = dir.resolve("tree");
        Path one = writeKos(tree.resolve("a"), "2.25.81");
        Path two = writeKos(tree.resolve("b").resolve("c"), "2.25.82");
        List<String> tls = List.of("--tls-key", ourKey.toString(), "--tls-cert", ourCert.toString(), "--tls-trust", pacsCert.toString());
        try (StoreScp scp = Dcmtk.startStoreScp("TLSSCP", dir.resolve("received"), "+tls", pacsKey.toString(),
                pacsCert.toString(), "-pw", "+cf", ourCert.toString())) {
            String peer = "TLSSCP@127.0.0.1:" + scp.port();
            Result echo = gateway(concat(List.of("echo", peer), tls));
            assertThat(echo.exit()).as(echo.toString()).isZero();
            assertThat(echo.out()).startsWith(peer + ": C-ECHO success");

            Result store = gateway(concat(List.of("store", "-r", peer, tree.toString()), tls));
            assertThat(store.exit()).as(store.toString()).isZero();
            assertThat(store.out().lines()).as(store.toString()).hasSize(2)
                    .anySatisfy(l -> assertThat(l).startsWith(one + ": SUCCESS"))
                    .anySatisfy(l -> assertThat(l).startsWith(two + ": SUCCESS"));
            assertThat(scp.awaitFiles(2, Duration.ofSeconds(20))).hasSize(2);

            // without our certificate storescp refuses the handshake: one line, status 1
            Result anonymous = gateway("echo", peer, "--tls", "--tls-trust", pacsCert.toString());
            assertThat(anonymous.exit()).as(anonymous.toString()).isEqualTo(1);
            assertThat(anonymous.err().lines()).as(anonymous.toString()).singleElement().asString().startsWith("echo: ");
        }
    }

    private static String[] concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }

    private static String manifestJson(String studyUid) {
        return """
                { "resourceType": "ImagingManifest",
                  "patient": { "identifier": { "system": "urn:oid:1.2.3.4.5", "value": "PAT-TOOLS-1" } },
                  "authoringTime": "2024-01-15T10:15:00+01:00",
                  "study": [ { "uid": "urn:oid:%s", "series": [ { "uid": "urn:oid:%s.1",
                    "instance": [ { "sopClass": "urn:oid:1.2.840.10008.5.1.4.1.1.2", "uid": "urn:oid:%s.1.1" } ] } ] } ] }
                """.formatted(studyUid, studyUid, studyUid);
    }

    private static Path writeKos(Path directory, String studyUid) throws Exception {
        ImagingManifest m = FHIR.newJsonParser().parseResource(ImagingManifest.class, manifestJson(studyUid));
        KosDocument kos = new ManifestToKos(null).translate(m, Map.of()).get(0);
        Files.createDirectories(directory);
        return Files.write(directory.resolve(kos.sopInstanceUid() + ".dcm"), kos.toPart10());
    }

    private static void selfSigned(Path key, Path cert, String commonName, String subjectAltName) {
        ToolResult made = Dcmtk.run(Duration.ofSeconds(60), "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days",
                "2", "-subj", "/CN=" + commonName, "-addext", "subjectAltName=" + subjectAltName);
        assertThat(made.succeeded()).as("openssl req: " + made.output()).isTrue();
    }
}
