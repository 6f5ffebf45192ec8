package com.imagingmanifest.architecture.cycle.a;

/** With {@code cycle.b.UsesA}, a two-package cycle for GatewayPackagesTest to find. */
public class UsesB {
    public com.imagingmanifest.architecture.cycle.b.UsesA other;
}
