package com.imagingmanifest.dicomweb;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One configured {@link HttpClient}: authentication, TLS, connect and whole-exchange timeouts, and a
 * bound on response size. Shared by the DICOMweb client and the Orthanc REST client. Thread-safe.
 */
public final class HttpTransport {
    /** A complete response: status, headers and the body (at most the configured size). */
    public record Response(int status, HttpHeaders headers, byte[] body) {
        public String contentType() {
            return headers.firstValue("Content-Type").orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * A response whose body is still on the connection: for relaying large objects without holding
     * them in memory. Closing it releases the connection (or drops it when the body was not read).
     */
    public record Streamed(int status, HttpHeaders headers, InputStream body) implements Closeable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // java.net keeps at most 5 idle connections per server by default (http.maxConnections): a
        // relay with more viewers at once would open and close a connection to the PACS for each of
        // the others. Read once, when the keep-alive cache is first used; a value set by the site wins.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "64");
        }
    }

    private final HttpClient client;
    private final SSLContext sslContext;
    private final Duration connectTimeout;
    private final HttpAuth auth;
    private final Duration requestTimeout;
    private final long maxResponseBytes;

    private HttpTransport(Builder b) {
        HttpClient.Builder hb = HttpClient.newBuilder()
                // HTTP/1.1: some PACS (Orthanc's embedded server among them) mishandle h2c upgrade
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(b.connectTimeout);
        if (b.sslContext != null) {
            hb.sslContext(b.sslContext);
        }
        this.client = hb.build();
        this.sslContext = b.sslContext;
        this.connectTimeout = b.connectTimeout;
        this.auth = b.auth;
        this.requestTimeout = b.requestTimeout;
        this.maxResponseBytes = b.maxResponseBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public long maxResponseBytes() {
        return maxResponseBytes;
    }

    /**
     * Sends one request and waits at most the request timeout for the whole response. Any status is
     * returned; only transport failures throw.
     */
    public Response exchange(String method, URI uri, Map<String, String> headers, byte[] body)
            throws DicomwebException {
        try {
            return exchangeOnce(method, uri, headers, body);
        } catch (StaleConnection e) {
            // A pooled keep-alive connection that the server closed while idle fails before any byte
            // of an answer arrives (Orthanc closes idle connections after its KeepAliveTimeout). The
            // JDK repeats only GET and HEAD; every request this transport sends is safe to repeat
            // (a store of a fixed SOP instance, a look-up, a delete), so it is sent once more on a
            // new connection. A second failure is the answer.
            try {
                return exchangeOnce(method, uri, headers, body);
            } catch (StaleConnection again) {
                throw again.failure;
            }
        }
    }

    private Response exchangeOnce(String method, URI uri, Map<String, String> headers, byte[] body)
            throws DicomwebException, StaleConnection {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(rb::header);
        auth.authorization().ifPresent(v -> rb.header("Authorization", v));
        CompletableFuture<HttpResponse<byte[]>> future =
                client.sendAsync(rb.build(), info -> new BoundedBody(maxResponseBytes));
        try {
            // the client's own timeout ends at the response headers; this bounds the body as well
            HttpResponse<byte[]> r = future.get(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DicomwebException(DicomwebException.Kind.TIMEOUT, -1,
                    method + " " + uri + ": no complete answer within " + requestTimeout, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new DicomwebException(DicomwebException.Kind.TIMEOUT, -1, method + " " + uri + ": interrupted", e);
        } catch (ExecutionException e) {
            String where = method + " " + uri + ": ";
            DicomwebException known = knownFailure(where, e.getCause());
            if (known != null) {
                throw known;
            }
            throw new StaleConnection(new DicomwebException(DicomwebException.Kind.UNREACHABLE, -1,
                    where + "connection failed: " + e.getCause(), e.getCause()));
        }
    }

    /** A connection that failed after it was open: the only failure {@link #exchange} repeats. */
    private static final class StaleConnection extends Exception {
        final DicomwebException failure;

        StaleConnection(DicomwebException failure) {
            super(failure);
            this.failure = failure;
        }
    }

    /**
     * Sends a GET and returns as soon as the response headers are in; the body is read by the caller,
     * at the caller's pace, and is not bounded by {@link #maxResponseBytes}. The request timeout bounds
     * each wait for bytes (the headers, then every read of the body), the connect timeout the connect.
     * Any status is returned; only transport failures throw.
     */
    public Streamed stream(URI uri, Map<String, String> headers) throws DicomwebException {
        // java.net's blocking client, not HttpClient: a relay reads the body on the thread that writes
        // it on, and HttpClient hands every chunk from its selector thread to the reader, which cost the
        // viewer bench several milliseconds of CPU per 512 KiB instance (docs/performance.md, "Viewers").
        // Its keep-alive cache reuses connections; a read timeout bounds each wait for bytes.
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            if (c instanceof HttpsURLConnection https && sslContext != null) {
                https.setSSLSocketFactory(sslContext.getSocketFactory());
            }
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
            headers.forEach(c::setRequestProperty);
            auth.authorization().ifPresent(v -> c.setRequestProperty("Authorization", v));
            int status = c.getResponseCode();
            InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
            Map<String, List<String>> fields = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            c.getHeaderFields().forEach((k, v) -> {
                if (k != null) {
                    fields.put(k, v);
                }
            });
            return new Streamed(status, HttpHeaders.of(fields, (k, v) -> true),
                    body != null ? body : InputStream.nullInputStream());
        } catch (IOException e) {
            String where = "GET " + uri + ": ";
            DicomwebException known = knownFailure(where, e);
            throw known != null ? known : new DicomwebException(DicomwebException.Kind.UNREACHABLE, -1,
                    where + "connection failed: " + e, e);
        }
    }

    /** GET with an Accept header. */
    public Response get(URI uri, String accept) throws DicomwebException {
        return exchange("GET", uri, accept == null ? Map.of() : Map.of("Accept", accept), null);
    }

    /** The exception for a response whose status the caller does not accept. */
    public static DicomwebException statusFailure(String what, Response r) {
        DicomwebException.Kind kind = r.status() == 401 || r.status() == 403
                ? DicomwebException.Kind.REFUSED : DicomwebException.Kind.STATUS;
        return new DicomwebException(kind, r.status(), what + ": HTTP " + r.status() + reason(r), null);
    }

    /**
     * The server's reason: a DICOMweb Warning header (PS3.18 8.7.2, {@code 299 <host>: <text>}), an
     * Orthanc JSON error message, or the start of the body.
     */
    static String reason(Response r) {
        String warning = r.headers().firstValue("Warning").orElse(null);
        if (warning != null && !warning.isBlank()) {
            return " (" + warning.trim() + ")";
        }
        String text = r.text().strip();
        if (text.isEmpty()) {
            return "";
        }
        if (text.startsWith("{")) {
            try {
                JsonNode o = JSON.readTree(text);
                String message = o.path("Message").asText("");
                String details = o.path("Details").asText("");
                if (!message.isEmpty()) {
                    return " (" + message + (details.isEmpty() ? "" : ": " + details) + ")";
                }
            } catch (IOException notJson) {
                // fall through to raw text
            }
        }
        return " (" + (text.length() > 300 ? text.substring(0, 300) + "..." : text) + ")";
    }

    /**
     * A timeout, an oversized answer, a TLS failure or a connection that could not be opened; null for
     * any other failure, i.e. one of a connection that was open.
     */
    private static DicomwebException knownFailure(String where, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException
                    || t instanceof java.net.SocketTimeoutException) {
                return new DicomwebException(DicomwebException.Kind.TIMEOUT, -1, where + "timed out", cause);
            }
            if (t instanceof ResponseTooLarge) {
                return new DicomwebException(DicomwebException.Kind.MALFORMED, -1, where + t.getMessage(), cause);
            }
            if (t instanceof SSLException) {
                return new DicomwebException(DicomwebException.Kind.REFUSED, -1, where + "TLS failed: " + t.getMessage(), cause);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException || t instanceof NoRouteToHostException) {
                return new DicomwebException(DicomwebException.Kind.UNREACHABLE, -1,
                        where + "cannot connect (" + t.getClass().getSimpleName() + ")", cause);
            }
        }
        return null;
    }

    private static final class ResponseTooLarge extends RuntimeException {
        ResponseTooLarge(long max) {
            super("response larger than " + max + " bytes");
        }
    }

    /** Collects the body and cancels the exchange as soon as it grows past the limit. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final long max;
        private Flow.Subscription subscription;

        BoundedBody(long max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (out.size() + (long) b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new ResponseTooLarge(max));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }

    public static final class Builder {
        private HttpAuth auth = HttpAuth.none();
        private SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private long maxResponseBytes = 64L * 1024 * 1024;

        public Builder auth(HttpAuth auth) {
            this.auth = Objects.requireNonNull(auth);
            return this;
        }

        /** TLS trust and key material for https URLs; the JVM default when not set. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d);
            return this;
        }

        /** Time for a whole exchange: connect, request, response headers and body. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d);
            return this;
        }

        public Builder maxResponseBytes(long max) {
            if (max <= 0) {
                throw new IllegalArgumentException("maxResponseBytes must be positive");
            }
            this.maxResponseBytes = max;
            return this;
        }

        public HttpTransport build() {
            return new HttpTransport(this);
        }

        private static Duration positive(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + d);
            }
            return d;
        }
    }
}
