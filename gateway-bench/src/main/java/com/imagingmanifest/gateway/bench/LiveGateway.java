package com.imagingmanifest.gateway.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The gateway being measured, and how to start it again with the same settings: the read scenario
 * on the embedded H2 store stops it round each bulk load (one process's file), and a second
 * instance for {@code --instances 2} starts from the same command line.
 */
final class LiveGateway implements AutoCloseable {
    private final Path work;
    private final Path jar;
    private final List<String> jvmOptions;
    private final List<String> arguments;
    private final String readyPath;
    private GatewayProcess current;

    LiveGateway(Path work, Path jar, List<String> jvmOptions, List<String> arguments, String readyPath) {
        this.work = work;
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.arguments = List.copyOf(arguments);
        this.readyPath = readyPath;
    }

    /** Starts the gateway (stopping the one running); returns it. */
    synchronized GatewayProcess start() throws Exception {
        stop();
        current = GatewayProcess.start(work, jar, jvmOptions, arguments, readyPath);
        return current;
    }

    /** Another process with the same settings in {@code dir}, beside the current one; the caller closes it. */
    GatewayProcess another(Path dir) throws Exception {
        return GatewayProcess.start(dir, jar, jvmOptions, arguments, readyPath);
    }

    synchronized GatewayProcess current() {
        if (current == null) {
            throw new IllegalStateException("the gateway is not running");
        }
        return current;
    }

    /** CPU time of the running gateway (NaN while none runs): read at each measured period's ends. */
    synchronized double cpuSeconds() {
        return current == null ? Double.NaN : current.cpuSeconds();
    }

    synchronized void stop() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
