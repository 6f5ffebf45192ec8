package com.imagingmanifest.gateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UIDs of a given length, unique in this run, and their swap in encoded DICOM: the baselines store
 * copies of the gateway's own KOS with new UIDs put in place, so the encoded element lengths stay
 * valid and no copy is re-encoded.
 */
final class SameLengthUids {
    private final AtomicLong counter = new AtomicLong();
    private final String prefix = "2.25.9" + (100_000 + new SplittableRandom().nextInt(900_000));

    /** A new UID of exactly {@code length} characters. */
    String next(int length) {
        String count = Long.toString(counter.incrementAndGet());
        int pad = length - prefix.length() - count.length();
        if (pad < 0) {
            throw new IllegalStateException("UID of " + length + " characters is too short to vary");
        }
        return prefix + "0".repeat(pad) + count;
    }

    /** Every occurrence of {@code from} replaced by {@code to} (same length) in a copy of {@code bytes}. */
    static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        if (f.length != t.length) {
            throw new IllegalArgumentException("replacement must keep the length");
        }
        byte[] copy = bytes.clone();
        int replaced = 0;
        outer:
        for (int i = 0; i + f.length <= copy.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (copy[i + j] != f[j]) {
                    continue outer;
                }
            }
            System.arraycopy(t, 0, copy, i, t.length);
            replaced++;
        }
        if (replaced == 0) {
            throw new IllegalStateException("UID " + from + " not found in the KOS");
        }
        return copy;
    }
}
