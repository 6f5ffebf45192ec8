package com.imagingmanifest.pacs;

import com.imagingmanifest.dicomweb.DicomwebClient;
import com.imagingmanifest.dicomweb.HttpAuth;
import com.imagingmanifest.dicomweb.HttpTransport;
import com.imagingmanifest.orthanc.OrthancRest;
import java.net.URI;
import java.time.Duration;

/** Opens the {@link Pacs} a {@link PacsBinding} describes. */
public final class PacsFactory {
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    private PacsFactory() {
    }

    /**
     * The implementation for {@code binding.kind()}. HTTP kinds use a bearer token or Basic
     * authentication when the binding has one, and the binding's TLS context (else the JVM's default
     * trust) for https URLs. An ORTHANC binding without
     * {@code restUrl} uses the parent of its DICOMweb base (Orthanc's default {@code /dicom-web/}).
     * Throws IllegalArgumentException when the binding lacks what its kind needs, or retrieves by
     * C-MOVE (that needs {@link #open(PacsBinding, MoveArrivals)}).
     */
    public static Pacs open(PacsBinding binding) {
        return open(binding, null);
    }

    /** Like {@link #open(PacsBinding)}; a C-MOVE binding receives through {@code arrivals} (its SCP's). */
    public static Pacs open(PacsBinding binding, MoveArrivals arrivals) {
        return switch (binding.kind()) {
            case DICOMWEB -> new DicomwebPacs(new DicomwebClient(require(binding.dicomwebUrl(), "dicomwebUrl"),
                    transport(binding)));
            case ORTHANC -> {
                HttpTransport http = transport(binding);
                URI dicomweb = require(binding.dicomwebUrl(), "dicomwebUrl");
                URI rest = binding.restUrl() != null ? binding.restUrl() : parentOf(dicomweb);
                yield new OrthancPacs(new DicomwebPacs(new DicomwebClient(dicomweb, http)), new OrthancRest(rest, http));
            }
            case DIMSE -> DimsePacs.open(binding, arrivals);
        };
    }

    static Duration connectTimeout(PacsBinding binding) {
        return binding.connectTimeout() != null ? binding.connectTimeout() : DEFAULT_CONNECT_TIMEOUT;
    }

    static Duration responseTimeout(PacsBinding binding) {
        return binding.responseTimeout() != null ? binding.responseTimeout() : DEFAULT_RESPONSE_TIMEOUT;
    }

    private static HttpTransport transport(PacsBinding binding) {
        HttpAuth auth;
        if (binding.bearerToken() != null && !binding.bearerToken().isEmpty()) {
            String token = binding.bearerToken();
            auth = HttpAuth.bearer(() -> token);
        } else if (binding.username() != null && !binding.username().isEmpty()) {
            auth = HttpAuth.basic(binding.username(), binding.password() == null ? "" : binding.password());
        } else {
            auth = HttpAuth.none();
        }
        HttpTransport.Builder builder = HttpTransport.builder().auth(auth).connectTimeout(connectTimeout(binding))
                .requestTimeout(responseTimeout(binding));
        if (binding.tlsContext() != null) {
            builder.sslContext(binding.tlsContext());
        }
        return builder.build();
    }

    private static URI parentOf(URI dicomweb) {
        String s = dicomweb.toString();
        s = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        return URI.create(s.substring(0, s.lastIndexOf('/') + 1));
    }

    private static <T> T require(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("PACS binding without " + name);
        }
        return value;
    }
}
