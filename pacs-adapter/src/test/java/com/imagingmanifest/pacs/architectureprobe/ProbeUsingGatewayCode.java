package com.imagingmanifest.pacs.architectureprobe;

/**
 * Breaks the pacs-adapter rule on purpose (refers to a gateway class by its type), so
 * PacsAdapterArchitectureTest can show the rule bites. Test code only.
 */
public final class ProbeUsingGatewayCode {

    private ProbeUsingGatewayCode() {
    }

    static String offend() {
        return new com.imagingmanifest.gateway.architectureprobe.GatewayType().name();
    }
}
