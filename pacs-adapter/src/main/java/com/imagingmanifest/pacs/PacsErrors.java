package com.imagingmanifest.pacs;

import com.imagingmanifest.dicomweb.DicomwebException;

/** Maps the transports' failures onto {@link PacsException.Kind}. */
final class PacsErrors {
    private PacsErrors() {
    }

    static PacsException from(DicomwebException e) {
        PacsException.Kind kind = switch (e.kind()) {
            case UNREACHABLE -> PacsException.Kind.UNREACHABLE;
            case REFUSED -> PacsException.Kind.REFUSED;
            case TIMEOUT -> PacsException.Kind.TIMEOUT;
            case STATUS, MALFORMED -> PacsException.Kind.FAILED;
        };
        return new PacsException(kind, e.status(), e.getMessage(), e);
    }

    static PacsException unsupported(String what, PacsBinding.Kind kind) {
        return new PacsException(PacsException.Kind.UNSUPPORTED, what + " is not supported by a " + kind + " PACS");
    }
}
