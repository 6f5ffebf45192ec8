package com.imagingmanifest.gateway.architectureprobe;

import com.imagingmanifest.gateway.architectureprobe.bench.BenchProbe;

/** Breaks the bench rule of BenchOutOfProductionTest on purpose: a gateway class using bench code. */
public final class ProbeUsingBench {
    private ProbeUsingBench() {
    }

    public static String figure() {
        return BenchProbe.figure();
    }
}
