package com.imagingmanifest.gateway.tenant;

import com.imagingmanifest.gateway.config.GatewayProperties;
import com.imagingmanifest.gateway.config.NamedSslBundles;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.PacsCapability;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
                binding = o.pacs().toBinding(o.scpAeTitle());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("organization " + o.id() + ": " + where + ".pacs: " + e.getMessage()
                        + (e.getMessage().contains("move destination") ? " (set " + where + ".scp-ae-title and"
                        + " gateway.scp.port)" : ""), e);
            }
            requirePossible(o.id(), where, binding);
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

    /** An impossible superseded policy would leave every retired KOS on the PACS and its intent open forever. */
    private static void requirePossible(String id, String where, PacsBinding binding) {
        Set<PacsCapability> can = PacsCapability.of(binding.kind());
        if (!Pacs.supports(can, binding.superseded())) {
            String possible = Arrays.stream(SupersededPolicy.values()).filter(p -> Pacs.supports(can, p))
                    .map(Tenants::lower).collect(Collectors.joining(", "));
            throw new IllegalStateException("organization " + id + ": " + where + ".pacs.superseded="
                    + lower(binding.superseded()) + " is impossible with pacs.kind=" + lower(binding.kind())
                    + ", which can do only superseded=" + possible + " (it has no " + lower(binding.superseded())
                    + " of instances)");
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
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
