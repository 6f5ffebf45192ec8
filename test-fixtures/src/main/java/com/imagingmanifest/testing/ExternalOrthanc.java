package com.imagingmanifest.testing;

import java.net.URI;

/** An Orthanc that someone else runs, named by environment variables; it cannot be killed or restarted. */
final class ExternalOrthanc implements OrthancServer {

    private final String restUrl;
    private final URI dicomwebUrl;
    private final String host;
    private final int dicomPort;
    private final String aeTitle;
    private final String username;
    private final String password;

    private ExternalOrthanc(String restUrl, URI dicomwebUrl, String host, int dicomPort, String aeTitle,
                            String username, String password) {
        this.restUrl = restUrl;
        this.dicomwebUrl = dicomwebUrl;
        this.host = host;
        this.dicomPort = dicomPort;
        this.aeTitle = aeTitle;
        this.username = username;
        this.password = password;
    }

    static ExternalOrthanc fromEnvironment() {
        String restUrl = stripSlash(System.getenv("ORTHANC_URL"));
        URI base = URI.create(restUrl);
        String dicomweb = env("ORTHANC_DICOMWEB_URL", restUrl + "/dicom-web/");
        ExternalOrthanc orthanc = new ExternalOrthanc(restUrl,
                URI.create(dicomweb.endsWith("/") ? dicomweb : dicomweb + "/"),
                env("ORTHANC_DICOM_HOST", base.getHost()),
                Integer.parseInt(env("ORTHANC_DICOM_PORT", "4242")),
                env("ORTHANC_AET", "ORTHANC"),
                env("ORTHANC_USER", "orthanc"),
                env("ORTHANC_PASSWORD", "orthanc"));
        OrthancServer.awaitReady(restUrl, orthanc.username, orthanc.password, () -> null,
                () -> "(external Orthanc named by ORTHANC_URL: no log)");
        return orthanc;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    String aeTitle() {
        return aeTitle;
    }

    @Override
    public String restUrl() {
        return restUrl;
    }

    @Override
    public URI dicomwebUrl() {
        return dicomwebUrl;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int dicomPort() {
        return dicomPort;
    }

    @Override
    public String username() {
        return username;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public void kill() {
        throw unsupported("kill");
    }

    @Override
    public void restart() {
        throw unsupported("restart");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("cannot " + what + " the external Orthanc at " + restUrl
                + ": use PrivateOrthanc.start(...) for a test that needs its own");
    }

    @Override
    public long pid() {
        return -1;
    }

    @Override
    public void destroy() {
        // not ours to stop
    }
}
