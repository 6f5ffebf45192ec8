package com.imagingmanifest.gateway.security;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.convert.DurationStyle;

/**
 * {@code gateway token [--data-dir DIR] --org SLUG [--scope "user/ImagingManifest.read ..."] [--ttl 1h]
 * [--sub NAME] [--issuer ISS] [--org-claim NAME]}: mints a bearer token with the embedded signing key
 * (creating the key if absent) and prints it as the last line of standard output.
 */
public final class TokenCommand {

    private static final Set<String> OPTIONS =
            Set.of("--data-dir", "--org", "--scope", "--ttl", "--sub", "--issuer", "--org-claim");
    static final String USAGE = "usage: gateway token [--data-dir DIR] --org SLUG [--scope \"user/ImagingManifest.read ...\"]"
            + " [--ttl 1h] [--sub NAME] [--issuer ISS] [--org-claim NAME]";

    private TokenCommand() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err, Clock.systemUTC());
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command; returns the exit status (0 ok, 2 bad arguments, 1 key file trouble). */
    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                out.println(USAGE);
                return 0;
            }
            if (!OPTIONS.contains(name)) {
                err.println("token: unknown argument '" + name + "'; " + USAGE);
                return 2;
            }
            if (i + 1 >= args.length) {
                err.println("token: " + name + " needs a value");
                return 2;
            }
            options.put(name, args[++i]);
        }
        String org = options.get("--org");
        if (org == null || org.isBlank()) {
            err.println("token: --org is required; " + USAGE);
            return 2;
        }
        String scope = options.getOrDefault("--scope", StartupTokens.SCOPE).trim();
        if (scope.isEmpty()) {
            err.println("token: --scope is empty");
            return 2;
        }
        Duration ttl;
        try {
            ttl = DurationStyle.detectAndParse(options.getOrDefault("--ttl", "1h"));
        } catch (IllegalArgumentException e) {
            err.println("token: --ttl '" + options.get("--ttl") + "' is not a duration (e.g. 30m, 1h, 7d, PT1H)");
            return 2;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            err.println("token: --ttl must be positive");
            return 2;
        }
        Path dataDir = Path.of(options.getOrDefault("--data-dir", defaultDataDir()));
        String issuer = options.getOrDefault("--issuer", GatewaySecurityProperties.EMBEDDED_ISSUER);
        String claim = options.getOrDefault("--org-claim", "org");
        String sub = options.getOrDefault("--sub", "gateway-token-command");
        try {
            LocalTokenIssuer tokens = new LocalTokenIssuer(SigningKey.loadOrCreate(dataDir), issuer, claim, clock);
            String token = tokens.issue(org, scope, ttl, sub);
            Instant expires = clock.instant().plus(ttl);
            out.println("Token for organization " + org + ", scope \"" + scope + "\", expires " + expires + ":");
            out.println(token);
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("token: " + e.getMessage());
            return 1;
        }
    }

    /** The server's default: {@code GATEWAY_DATA_DIR} (Spring's relaxed name of gateway.data-dir), else {@code ./data}. */
    private static String defaultDataDir() {
        String env = System.getenv("GATEWAY_DATA_DIR");
        return env != null && !env.isBlank() ? env : System.getProperty("gateway.data-dir", "./data");
    }
}
