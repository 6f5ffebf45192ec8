package com.imagingmanifest.gateway.security;

import com.imagingmanifest.dicom.tools.Tool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gateway token --org SLUG [...]}: mints a bearer token with the embedded signing key (creating
 * the key if absent). Standard output is the token alone, so that {@code TOKEN=$(./gateway token ...)}
 * works; what it grants goes to standard error.
 */
@Command(name = "gateway token", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Mints a bearer token signed with the gateway's embedded key; prints the token alone.")
public final class TokenCommand extends Tool.Body {
    @Option(names = "--org", required = true, paramLabel = "SLUG", description = "the organization the token is for")
    String org;

    @Option(names = "--scope", paramLabel = "SCOPES", defaultValue = StartupTokens.SCOPE,
            description = "space-separated scopes (default \"${DEFAULT-VALUE}\")")
    String scope;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", description = "lifetime, e.g. 30m, 1h, 7d, PT1H (default ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "the gateway's data directory, where the key is"
            + " (default: GATEWAY_DATA_DIR, which ./gateway sets as `run` uses it, else ./data)")
    Path dataDir;

    @Option(names = "--sub", paramLabel = "NAME", defaultValue = "gateway-token-command", description = "the subject claim")
    String sub;

    @Option(names = "--issuer", paramLabel = "ISS", defaultValue = GatewaySecurityProperties.EMBEDDED_ISSUER,
            description = "the issuer claim (default ${DEFAULT-VALUE})")
    String issuer;

    @Option(names = "--org-claim", paramLabel = "NAME", defaultValue = "org", description = "the claim naming the organization")
    String orgClaim;

    private final Clock clock;

    private TokenCommand(Clock clock) {
        this.clock = clock;
    }

    public static void main(String[] args) {
        Tool.main(new TokenCommand(Clock.systemUTC()), args);
    }

    /** Runs the command; returns the exit status (0 ok, 2 bad arguments, 1 key file trouble). */
    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        return Tool.run(new TokenCommand(clock), args, out, err);
    }

    @Override
    public Integer call() {
        if (org.isBlank()) {
            throw new Tool.BadArgument("--org is empty");
        }
        String scopes = scope.trim();
        if (scopes.isEmpty()) {
            throw new Tool.BadArgument("--scope is empty");
        }
        Duration lifetime;
        try {
            lifetime = DurationStyle.detectAndParse(ttl);
        } catch (IllegalArgumentException e) {
            throw new Tool.BadArgument("--ttl '" + ttl + "' is not a duration (e.g. 30m, 1h, 7d, PT1H)");
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new Tool.BadArgument("--ttl must be positive");
        }
        Path dir = dataDir != null ? dataDir : Path.of(defaultDataDir());
        try {
            LocalTokenIssuer tokens = new LocalTokenIssuer(SigningKey.loadOrCreate(dir), issuer, orgClaim, clock);
            String token = tokens.issue(org, scopes, lifetime, sub);
            Instant expires = clock.instant().plus(lifetime);
            err.println("token: for organization " + org + ", scope \"" + scopes + "\", expires " + expires
                    + ", signed with the key in " + dir);
            out.println(token);
            return Tool.OK;
        } catch (IOException e) {
            err.println("token: " + e.getMessage());
            return Tool.FAILED;
        }
    }

    /** The server's default: {@code GATEWAY_DATA_DIR} (Spring's relaxed name of gateway.data-dir), else {@code ./data}. */
    private static String defaultDataDir() {
        String env = System.getenv("GATEWAY_DATA_DIR");
        return env != null && !env.isBlank() ? env : System.getProperty("gateway.data-dir", "./data");
    }
}
