package com.imagingmanifest.gateway.health;

import com.imagingmanifest.pacs.Pacs;
import java.util.Map;

/**
 * The PACS of each tenant, by tenant slug, as the part of the gateway that opens them provides it;
 * health shows one indicator per entry.
 */
@FunctionalInterface
public interface TenantPacs {
    Map<String, Pacs> byTenant();
}
