package com.imagingmanifest.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway token}: its tokens open the server's door; expired ones do not; bad input is one line. */
class TokenCommandTest extends SecuredServerTest {

    private record Run(int status, String out, String err) {
        String token() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static Run run(Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void mintedTokenIsAcceptedWithItsScope() {
        Run r = run(Clock.systemUTC(), "--data-dir", DATA_DIR.toString(), "--org", "demo",
                "--scope", "user/ImagingManifest.read", "--ttl", "10m", "--sub", "alice");
        assertEquals(0, r.status, r.err);
        assertTrue(r.token().matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+"), r.out);
        assertEquals(200, get("/organizations/demo/fhir/3/ImagingManifest", r.token()).statusCode());
        assertEquals(403, send("POST", "/organizations/demo/fhir/3/ImagingManifest", r.token(), java.util.Map.of(),
                manifest("read-only")).statusCode());
        assertEquals(404, get("/organizations/other/fhir/3/ImagingManifest", r.token()).statusCode());
    }

    @Test
    void expiredTokenIsRefused() {
        Run r = run(Clock.offset(Clock.systemUTC(), Duration.ofHours(-2)), "--data-dir", DATA_DIR.toString(),
                "--org", "demo", "--ttl", "1h");
        assertEquals(0, r.status, r.err);
        assertOperationOutcome(get("/organizations/demo/fhir/3/ImagingManifest", r.token()), 401, "login");
    }

    @Test
    void tokenFromAnotherDataDirectoryIsRefused(@TempDir Path elsewhere) {
        Run r = run(Clock.systemUTC(), "--data-dir", elsewhere.toString(), "--org", "demo");
        assertEquals(0, r.status, r.err);
        assertTrue(Files.exists(elsewhere.resolve(SigningKey.FILE_NAME)), "a new key was created");
        assertOperationOutcome(get("/organizations/demo/fhir/3/ImagingManifest", r.token()), 401, "login");
    }

    @Test
    void badArgumentsGiveOneLineAndStatus2() {
        String[][] bad = {{}, {"--org"}, {"--org", "demo", "--ttl", "soon"}, {"--org", "demo", "--ttl", "-1h"},
            {"--org", "demo", "--bogus", "x"}, {"--org", "demo", "--scope", " "}};
        for (String[] args : bad) {
            Run r = run(Clock.systemUTC(), args);
            assertEquals(2, r.status, String.join(" ", args));
            assertEquals(1, r.err.strip().lines().count(), r.err);
            assertTrue(r.err.startsWith("token: "), r.err);
            assertEquals("", r.out);
        }
    }
}
