package com.imagingmanifest.gateway.architectureprobe.bench;

/** Stands for bench code in BenchOutOfProductionTest's probe: a class in a bench package. */
public final class BenchProbe {
    private BenchProbe() {
    }

    public static String figure() {
        return "42 per s";
    }
}
