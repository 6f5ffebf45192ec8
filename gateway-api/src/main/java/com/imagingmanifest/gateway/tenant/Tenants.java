package com.imagingmanifest.gateway.tenant;

import com.imagingmanifest.gateway.config.GatewayProperties;
import com.imagingmanifest.gateway.config.NamedSslBundles;
import com.imagingmanifest.pacs.PacsBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.stereotype.Component;

/** The configured organizations, looked up by id or slug. Configuration errors stop the start. */
@Component
public class Tenants {
    // ids and slugs appear in URL paths: keep them to characters that need no escaping
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final List<Tenant> all;
    private final Map<String, Tenant> byName = new HashMap<>();

    /** Organizations whose PACS bindings name no SSL bundle. */
    public Tenants(GatewayProperties properties) {
        this(properties, (SslBundles) null);
    }

    @Autowired
    public Tenants(GatewayProperties properties, ObjectProvider<SslBundles> sslBundles) {
        this(properties, sslBundles.getIfAvailable());
    }

    /** {@code sslBundles}: Spring Boot's {@code spring.ssl.bundle.*}, for {@code pacs.ssl-bundle}; may be null. */
    public Tenants(GatewayProperties properties, SslBundles sslBundles) {
        List<Tenant> tenants = new ArrayList<>();
        for (int i = 0; i < properties.organizations().size(); i++) {
            GatewayProperties.Organization o = properties.organizations().get(i);
            String where = "gateway.organizations[" + i + "]";
            require(o.id() != null && NAME.matcher(o.id()).matches(), where + ".id must be 1-64 of [A-Za-z0-9._-]");
            String slug = o.slug() == null || o.slug().isBlank() ? o.id() : o.slug();
            require(NAME.matcher(slug).matches(), where + ".slug must be 1-64 of [A-Za-z0-9._-]");
            require(o.pacs() != null, where + ".pacs.* is required");
            PacsBinding binding;
            try {
                binding = o.pacs().toBinding();
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(where + ".pacs: " + e.getMessage(), e);
            }
            binding = binding.withTlsContext(
                    NamedSslBundles.tlsContext(sslBundles, o.pacs().sslBundle(), where + ".pacs.ssl-bundle"));
            Tenant tenant = new Tenant(o.id(), slug, o.name() == null ? slug : o.name(), binding);
            for (String name : List.of(tenant.id(), tenant.slug())) {
                Tenant other = byName.put(name, tenant);
                require(other == null || other == tenant, where + ": '" + name + "' names two organizations");
            }
            tenants.add(tenant);
        }
        this.all = List.copyOf(tenants);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    public List<Tenant> all() {
        return all;
    }

    /** The organization named by {@code idOrSlug}, if configured. */
    public Optional<Tenant> find(String idOrSlug) {
        return Optional.ofNullable(byName.get(idOrSlug));
    }
}
