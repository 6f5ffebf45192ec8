package com.imagingmanifest.kos.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.testing.Dcmtk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway to-kos} and {@code gateway to-manifest}, called as the launcher calls them (minus System.exit). */
class ConverterCommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int toKos(String... args) {
        return ToKosCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int toManifest(String... args) {
        return ToManifestCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/kos/" + name)) {
            Path p = dir.resolve(name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    private static String text(ByteArrayOutputStream s) {
        return s.toString(StandardCharsets.UTF_8);
    }

    @Test
    void toKosWritesOneFilePerStudyAndToManifestReadsThemBack() throws IOException {
        String json = Files.readString(resource("manifest-basic.json")).replace("\"study\": [", """
                "study": [ { "uid": "urn:oid:1.2.826.0.1.3680043.2.1", "series": [ { "uid": "urn:oid:1.2.826.0.1.3680043.2.2",
                  "instance": [ { "sopClass": "urn:oid:1.2.840.10008.5.1.4.1.1.4", "uid": "urn:oid:1.2.826.0.1.3680043.2.3" } ] } ] },""");
        Path manifest = dir.resolve("two-studies.json");
        Files.writeString(manifest, json);
        Path outDir = dir.resolve("out");
        assertEquals(0, toKos(manifest.toString(), outDir.toString()), text(err));
        List<String> uids = text(out).lines().toList();
        assertEquals(2, uids.size(), text(out));
        List<Path> files;
        try (Stream<Path> s = Files.list(outDir)) {
            files = s.sorted().toList();
        }
        assertEquals(2, files.size());
        for (String uid : uids) {
            Path file = outDir.resolve(uid + ".dcm");
            assertTrue(Files.isRegularFile(file), file.toString());
            assertTrue(Dcmtk.dcmdump(file).contains(uid));
        }

        out.reset();
        assertEquals(0, toManifest(outDir.resolve(uids.get(0) + ".dcm").toString()), text(err));
        assertTrue(text(out).contains("\"resourceType\": \"ImagingManifest\""), text(out));
        assertTrue(text(out).contains("urn:oid:" + uids.get(0)), text(out));

        out.reset();
        assertEquals(0, toManifest(files.get(0).toString(), files.get(1).toString()), text(err));
        assertTrue(text(out).contains("\"resourceType\": \"Bundle\""), text(out));
        assertEquals(2, text(out).lines().filter(l -> l.contains("\"resourceType\": \"ImagingManifest\"")).count());
    }

    @Test
    void invalidManifestGivesOneLinePerProblem() throws IOException {
        Path manifest = dir.resolve("bad.json");
        Files.writeString(manifest, """
                { "resourceType": "ImagingManifest",
                  "study": [ { "uid": "1.2.3", "series": [ { "uid": "urn:oid:1.2.3",
                    "instance": [ { "uid": "urn:oid:1.2.3.4" } ] } ] } ] }""");
        assertEquals(1, toKos(manifest.toString(), dir.resolve("never").toString()));
        List<String> lines = text(err).lines().toList();
        assertEquals(3, lines.size(), text(err));
        assertTrue(lines.get(0).endsWith("ImagingManifest.patient: patient is required (it becomes the Patient module of the KOS)"), lines.get(0));
        assertTrue(text(err).contains("ImagingManifest.study[0].uid: study uid '1.2.3' must be in urn:oid: form"), text(err));
        assertTrue(text(err).contains("ImagingManifest.study[0].series[0].instance[0].sopClass: sopClass is required"), text(err));
        assertTrue(Files.notExists(dir.resolve("never")), "nothing written on bad input");
        assertEquals("", text(out));
    }

    @Test
    void badInputIsAOneLineError() throws IOException {
        Path notJson = dir.resolve("x.json");
        Files.writeString(notJson, "{ \"resourceType\": \"Patient\" }");
        assertEquals(1, toKos(notJson.toString(), dir.toString()));
        assertTrue(text(err).contains("expected an ImagingManifest, found Patient"), text(err));
        assertEquals(1, text(err).lines().count());

        err.reset();
        assertEquals(1, toManifest(notJson.toString(), dir.resolve("missing.dcm").toString()));
        assertEquals(2, text(err).lines().count(), text(err));
        assertTrue(text(err).contains("missing.dcm: cannot read"), text(err));

        err.reset();
        Path rejection = dir.resolve("rejection.dump");
        Files.writeString(rejection, Files.readString(resource("kos-basic.dump"))
                .replace("[113000]", "[113001]").replace("[Of Interest]", "[Rejected for Quality Reasons]"));
        Path note = Dcmtk.dump2dcm(rejection, dir.resolve("rejection.dcm"));
        assertEquals(1, toManifest(note.toString()));
        assertTrue(text(err).contains("rejection note"), text(err));

        err.reset();
        assertEquals(2, toKos("only-one-argument"));
        assertTrue(text(err).startsWith("to-kos: Missing required parameter: 'OUT_DIR'"), text(err));
        assertEquals(1, text(err).lines().count(), text(err));
        err.reset();
        assertEquals(2, toManifest());
        assertTrue(text(err).startsWith("to-manifest: Missing required parameter"), text(err));
    }
}
