package com.imagingmanifest.testing;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.net.URI;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** Orthanc in a Testcontainers container (orthancteam/orthanc image), for machines with a Docker engine. */
final class OrthancContainer implements OrthancServer {

    private static final int HTTP = 8042;
    private static final int DICOM = 4242;

    private final GenericContainer<?> container;
    private volatile int httpPort;
    private volatile int dicomPort;

    private OrthancContainer(GenericContainer<?> container) {
        this.container = container;
        this.httpPort = container.getMappedPort(HTTP);
        this.dicomPort = container.getMappedPort(DICOM);
    }

    @SuppressWarnings("resource") // closed by destroy()
    static OrthancContainer start(Map<String, Object> extraConfig) {
        Map<String, Object> config = PrivateOrthanc.baseConfig(HTTP, DICOM, "/var/lib/orthanc/db");
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(PrivateOrthanc.IMAGE))
                .withExposedPorts(HTTP, DICOM)
                // The image builds its configuration from ORTHANC_JSON and enables plugins by variable.
                .withEnv("ORTHANC_JSON", Json.write(Json.merge(config, extraConfig)))
                .withEnv("DICOM_WEB_PLUGIN_ENABLED", "true")
                .withEnv("TCP_NODELAY", "1")
                .waitingFor(Wait.forHttp("/system")
                        .forPort(HTTP)
                        .withBasicCredentials(PrivateOrthanc.USER, PrivateOrthanc.PASSWORD)
                        .forStatusCode(200)
                        .withStartupTimeout(PrivateOrthanc.START_TIMEOUT.multipliedBy(4)));
        container.start();
        return new OrthancContainer(container);
    }

    @Override
    public String restUrl() {
        return "http://" + container.getHost() + ":" + httpPort;
    }

    @Override
    public URI dicomwebUrl() {
        return URI.create(restUrl() + "/dicom-web/");
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int dicomPort() {
        return dicomPort;
    }

    @Override
    public String username() {
        return PrivateOrthanc.USER;
    }

    @Override
    public String password() {
        return PrivateOrthanc.PASSWORD;
    }

    @Override
    public void kill() {
        container.getDockerClient().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
    }

    @Override
    public void restart() {
        // Same container, same storage; Docker may map other host ports, which restUrl() then reports.
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
        InspectContainerResponse info = container.getDockerClient()
                .inspectContainerCmd(container.getContainerId()).exec();
        httpPort = hostPort(info, HTTP);
        dicomPort = hostPort(info, DICOM);
        OrthancServer.awaitReady(restUrl(), username(), password(), () -> null,
                () -> container.getLogs());
    }

    private static int hostPort(InspectContainerResponse info, int containerPort) {
        Ports.Binding[] bindings = info.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(containerPort));
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    @Override
    public long pid() {
        Long pid = container.getContainerInfo().getState().getPidLong();
        return pid == null ? -1 : pid;
    }

    @Override
    public void destroy() {
        container.stop();
    }
}
