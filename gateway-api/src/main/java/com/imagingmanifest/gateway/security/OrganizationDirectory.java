package com.imagingmanifest.gateway.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The configured organizations ({@code gateway.organizations[i].id} and {@code .slug}), so that an id and
 * a slug of the same organization are recognised as one, in the path and in a token's claim alike.
 */
public final class OrganizationDirectory {

    /** One organization's two names; {@code slug} falls back to {@code id} when not configured. */
    public record Organization(String id, String slug) {
        public Organization {
            if (slug == null || slug.isBlank()) {
                slug = id;
            }
        }
    }

    private final List<Organization> organizations;
    private final Map<String, Organization> byName = new LinkedHashMap<>();

    public OrganizationDirectory(List<Organization> organizations) {
        this.organizations = List.copyOf(organizations);
        for (Organization o : this.organizations) {
            if (o.id() != null) {
                byName.put(o.id(), o);
            }
            byName.putIfAbsent(o.slug(), o);
        }
    }

    /** Binds {@code gateway.organizations}; the per-organization PACS settings are not needed here. */
    public static OrganizationDirectory from(Environment environment) {
        List<Organization> list = Binder.get(environment)
                .bind("gateway.organizations", Bindable.listOf(Organization.class))
                .orElse(List.of());
        return new OrganizationDirectory(list.stream().filter(o -> o.id() != null || o.slug() != null).toList());
    }

    /** The organization whose id or slug is exactly {@code idOrSlug}. */
    public Optional<Organization> resolve(String idOrSlug) {
        return idOrSlug == null ? Optional.empty() : Optional.ofNullable(byName.get(idOrSlug));
    }

    public List<Organization> all() {
        return organizations;
    }

    /**
     * A bounded name for metrics and logs: the slug of a configured organization, else {@code unknown}
     * (so that a caller cannot create unlimited time series by inventing organizations).
     */
    public String tenantTag(String idOrSlug) {
        return resolve(idOrSlug).map(Organization::slug).orElse("unknown");
    }
}
