package com.imagingmanifest.gateway.tenant;

import com.imagingmanifest.pacs.Pacs;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** One {@link Pacs} per tenant, opened on first use and closed with the application. */
@Component
public class PacsConnections implements DisposableBean {
    private final PacsOpener opener;
    private final Map<String, Pacs> open = new ConcurrentHashMap<>();

    public PacsConnections(PacsOpener opener) {
        this.opener = opener;
    }

    public Pacs of(Tenant tenant) {
        return open.computeIfAbsent(tenant.id(), id -> opener.open(tenant.pacs()));
    }

    @Override
    public void destroy() {
        open.values().forEach(Pacs::close);
        open.clear();
    }
}
