package com.imagingmanifest.gateway.manifest;

import java.util.List;

/**
 * Why a read or write of a manifest did not happen, in the domain's words. The use cases throw these
 * and know nothing of HTTP; the FHIR edge ({@code fhir.FailureMapper}) gives each its status and
 * OperationOutcome (docs/architecture.md §3). The messages are safe to show a client: a PACS's own
 * text (hosts, ports, AE titles) never goes into one.
 */
public abstract sealed class ManifestException extends RuntimeException {

    private ManifestException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * No such manifest or version in the organization. {@code reference} is the resource's
     * reference ({@code ImagingManifest/x} or {@code ImagingManifest/x/_history/n}) when it names one,
     * else null and the message says what is missing.
     */
    public static final class NotFound extends ManifestException {
        private final String reference;

        private NotFound(String reference, String message) {
            super(message, null);
            this.reference = reference;
        }

        public static NotFound resource(String reference) {
            return new NotFound(reference, reference + " is not known");
        }

        public static NotFound described(String message) {
            return new NotFound(null, message);
        }

        public String reference() {
            return reference;
        }
    }

    /** The manifest existed and is deleted. */
    public static final class Gone extends ManifestException {
        public Gone(String message) {
            super(message, null);
        }
    }

    /** Another write changed, or is changing, the version this one builds on. */
    public static final class VersionConflict extends ManifestException {
        public VersionConflict(String message) {
            super(message, null);
        }
    }

    /**
     * A condition the client set does not hold: If-Match names another version, or If-None-Exist
     * matches more than one manifest.
     */
    public static final class PreconditionFailed extends ManifestException {
        public PreconditionFailed(String message) {
            super(message, null);
        }
    }

    /** The manifest breaks the rules a KOS must keep; every problem found is listed. */
    public static final class InvalidManifest extends ManifestException {
        private final List<KosTranslation.Problem> problems;

        public InvalidManifest(List<KosTranslation.Problem> problems) {
            super("Invalid ImagingManifest: " + problems.stream().map(p -> p.location() + ": " + p.message())
                    .reduce((a, b) -> a + "; " + b).orElse(""), null);
            this.problems = List.copyOf(problems);
        }

        public List<KosTranslation.Problem> problems() {
            return problems;
        }
    }

    /** A valid manifest the gateway cannot make a KOS of, against what the PACS or the store holds. */
    public static final class Unprocessable extends ManifestException {
        /** What stands in the way. */
        public enum Reason {
            /** The manifest contradicts the study's attributes on the PACS (the patient, say). */
            CONTRADICTS_PACS,
            /** A selected study is not on the organization's PACS. */
            STUDY_NOT_ON_PACS,
            /** The client's DICOM identifier already names a stored KOS. */
            KOS_EXISTS
        }

        private final Reason reason;
        private final List<KosTranslation.Problem> problems;

        public Unprocessable(Reason reason, String message, List<KosTranslation.Problem> problems) {
            super(message, null);
            this.reason = reason;
            this.problems = List.copyOf(problems);
        }

        public Reason reason() {
            return reason;
        }

        /** Where in the manifest, when it can be said; may be empty. */
        public List<KosTranslation.Problem> problems() {
            return problems;
        }
    }

    /**
     * The PACS did not answer (unreachable, timed out): a temporary condition, nothing was changed.
     * The PACS's own text stays in {@link #getCause()} and the log.
     */
    public static final class PacsUnavailable extends ManifestException {
        public PacsUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The PACS answered with a refusal or a failure, or cannot do what was asked; nothing was changed. */
    public static final class PacsRefused extends ManifestException {
        public PacsRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The write outlived the recovery grace and recovery undid it (docs/architecture.md §8): nothing
     * was changed, and trying again may succeed.
     */
    public static final class WriteUndone extends ManifestException {
        public WriteUndone(String message) {
            super(message, null);
        }
    }
}
