package com.imagingmanifest.gateway.tenant;

import com.imagingmanifest.pacs.PacsBinding;

/** An organization served by the gateway and the PACS it is bound to (docs/architecture.md §4). */
public record Tenant(String id, String slug, String name, PacsBinding pacs) {

    /** True when {@code organization} (from a URL or a token) names this tenant by id or slug. */
    public boolean isNamedBy(String organization) {
        return id.equals(organization) || slug.equals(organization);
    }
}
