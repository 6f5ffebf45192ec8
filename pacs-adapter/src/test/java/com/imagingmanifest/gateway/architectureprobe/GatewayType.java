package com.imagingmanifest.gateway.architectureprobe;

/** Stands in for gateway-api code, which pacs-adapter cannot see; used by ProbeUsingGatewayCode. */
public final class GatewayType {

    public String name() {
        return "gateway";
    }
}
