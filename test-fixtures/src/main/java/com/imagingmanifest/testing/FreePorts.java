package com.imagingmanifest.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on the loopback interface, for servers that tests start. */
public final class FreePorts {

    // Ports handed out by this JVM: the kernel may offer a just-closed port again before the
    // server that was given it has bound it.
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /** A port that nobody listened on a moment ago (binding port 0 lets the kernel choose). */
    public static synchronized int find() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                int port = socket.getLocalPort();
                if (GIVEN.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a loopback port", e);
            }
        }
        throw new IllegalStateException("no free loopback port after 50 attempts");
    }
}
