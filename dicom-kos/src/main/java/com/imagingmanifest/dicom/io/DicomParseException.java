package com.imagingmanifest.dicom.io;

/**
 * Bytes (or DICOM JSON text) that are not what the standard allows: the only exception the readers
 * throw for bad input. The message names the offset and the problem, e.g.
 * {@code "offset 132: length 4294967280 of (0010,0010) exceeds the 10 bytes remaining"}.
 */
public class DicomParseException extends RuntimeException {
    private final long offset;

    public DicomParseException(long offset, String problem) {
        this(offset, problem, null);
    }

    public DicomParseException(long offset, String problem, Throwable cause) {
        super("offset " + offset + ": " + problem, cause);
        this.offset = offset;
    }

    /** Byte offset (or character offset, for JSON) where the problem was found. */
    public long offset() {
        return offset;
    }

    /** The problem without the offset prefix. */
    public String problem() {
        String m = getMessage();
        return m.substring(m.indexOf(": ") + 2);
    }
}
