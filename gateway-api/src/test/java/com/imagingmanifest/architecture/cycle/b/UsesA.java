package com.imagingmanifest.architecture.cycle.b;

/** With {@code cycle.a.UsesB}, a two-package cycle for GatewayPackagesTest to find. */
public class UsesA {
    public com.imagingmanifest.architecture.cycle.a.UsesB other;
}
