package com.imagingmanifest.net.tools;

import com.imagingmanifest.dicom.tools.Tool;
import com.imagingmanifest.net.dimse.DimseClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every network tool shares: the calling AE title, the timeouts, and TLS as DCMTK's
 * tools offer it (a PEM private key and certificate of our own, PEM certificates to trust).
 */
final class PeerOptions {
    @Option(names = "--aet", paramLabel = "CALLING", defaultValue = "IMGW", description = "our AE title (default ${DEFAULT-VALUE})")
    String callingAe;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "TCP connect timeout (default ${DEFAULT-VALUE} s)")
    double connectTimeout;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "association and DIMSE timeout (default ${DEFAULT-VALUE} s)")
    double timeout;

    @Option(names = "--tls", description = "DICOM over TLS (PS3.15 B.1); implied by --tls-key, --tls-cert and --tls-trust")
    boolean tls;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "our private key, PEM (PKCS#8), for a peer that asks for a client certificate")
    Path key;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "our certificate chain, PEM, with --tls-key")
    Path cert;

    @Option(names = "--tls-trust", paramLabel = "FILE", description = "PEM certificates of the peers or CAs to trust"
            + " (repeatable; default: the JVM's trust store)")
    List<Path> trust = new ArrayList<>();

    /** A client for {@code address} ({@code AE@HOST:PORT}) with one association. */
    DimseClient client(String address) {
        if (callingAe.isEmpty() || callingAe.length() > 16) {
            throw new Tool.BadArgument("--aet must be 1 to 16 characters");
        }
        DimseClient.Builder builder;
        try {
            builder = DimseClient.Config.parse(address);
        } catch (IllegalArgumentException e) {
            throw new Tool.BadArgument(e.getMessage());
        }
        Duration dimse = seconds("--timeout", timeout);
        builder.callingAeTitle(callingAe).connectTimeout(seconds("--connect-timeout", connectTimeout))
                .associationTimeout(dimse).dimseTimeout(dimse).poolSize(1);
        if (tls || key != null || cert != null || !trust.isEmpty()) {
            if ((key == null) != (cert == null)) {
                throw new Tool.BadArgument("--tls-key and --tls-cert go together");
            }
            builder.tlsContext(PemTls.context(key, cert, trust));
        }
        return builder.build();
    }

    private static Duration seconds(String option, double s) {
        if (!(s > 0 && s <= 86400)) {
            throw new Tool.BadArgument(option + " takes 0 to 86400 seconds, got " + s);
        }
        return Duration.ofMillis((long) (s * 1000));
    }
}
