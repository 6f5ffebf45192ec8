package com.imagingmanifest.gateway.manifest;

import com.imagingmanifest.gateway.store.ManifestKos;
import com.imagingmanifest.gateway.store.WriteIntent;
import com.imagingmanifest.gateway.store.WriteIntents;
import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.pacs.PacsException;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Settles write intents left open by a crash or a failed clean-up (docs/architecture.md §8): a KOS
 * stored without a committed version was never acknowledged, so it is removed from the PACS the way
 * the binding can ({@link com.imagingmanifest.pacs.Pacs#discard}: DELETE, else a rejection note); a KOS
 * of a superseded version that could not be retired then is retired now by the binding's policy. Runs
 * at start-up and every {@code gateway.recovery-interval}; an intent younger than
 * {@code gateway.recovery-grace} (default {@link #GRACE}) may still be in flight and is left alone.
 */
@Component
public class WriteRecovery {
    static final Duration GRACE = Duration.ofMinutes(2);
    private static final Logger log = LoggerFactory.getLogger(WriteRecovery.class);

    private final WriteIntents intents;
    private final ManifestKos kos;
    private final Tenants tenants;
    private final PacsConnections connections;
    private final Clock clock;
    private final Duration grace;
    private final GatewayRejections rejections;

    public WriteRecovery(WriteIntents intents, ManifestKos kos, Tenants tenants, PacsConnections connections,
            Clock clock) {
        this(intents, kos, tenants, connections, clock, GRACE, GatewayRejections.NONE);
    }

    /** {@code grace}: {@code gateway.recovery-grace}, the age below which an intent may still be in flight. */
    @Autowired
    public WriteRecovery(WriteIntents intents, ManifestKos kos, Tenants tenants, PacsConnections connections,
            Clock clock, @Value("${gateway.recovery-grace:2m}") Duration grace, GatewayRejections rejections) {
        this.grace = grace;
        this.rejections = rejections;
        this.intents = intents;
        this.kos = kos;
        this.tenants = tenants;
        this.connections = connections;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void atStartup() {
        settle(clock.instant().minus(grace));
    }

    @Scheduled(initialDelayString = "${gateway.recovery-interval:60s}",
            fixedDelayString = "${gateway.recovery-interval:60s}")
    public void periodically() {
        settle(clock.instant().minus(grace));
    }

    /** Settles intents opened before {@code before}; returns how many were settled. */
    public int settle(Instant before) {
        int settled = 0;
        for (WriteIntent intent : intents.openBefore(before)) {
            Optional<Tenant> tenant = tenants.find(intent.organizationId());
            if (tenant.isEmpty()) {
                intents.settle(intent.intentId(), "organization no longer configured; KOS left", clock.instant());
                settled++;
                continue;
            }
            // taken over first: a writer still in flight can no longer commit once its KOS may be gone
            if (!intents.takeOver(intent.intentId(), clock.instant())) {
                continue; // committed or settled meanwhile
            }
            try {
                int removed = 0;
                int retired = 0;
                SupersededPolicy policy = tenant.get().pacs().superseded();
                for (InstanceRef ref : intent.kos()) {
                    if (!kos.isCommitted(ref.sopInstanceUid())) {
                        // never acknowledged
                        rejections.discard(connections.of(tenant.get()), intent.organizationId(), ref);
                        removed++;
                    } else if (!kos.isCurrent(ref.sopInstanceUid()) && policy != SupersededPolicy.KEEP) {
                        // superseded or deleted, but the write could not retire it at the time
                        connections.of(tenant.get()).remove(ref, policy);
                        retired++;
                    }
                }
                intents.recordRecovery(intent.intentId(), "recovered: " + removed + " uncommitted KOS removed, "
                        + retired + " superseded KOS retired");
                settled++;
            } catch (PacsException | RuntimeException e) {
                log.warn("write intent {} of organization {} not settled yet: {}", intent.intentId(),
                        intent.organizationId(), e.getMessage());
                try {
                    intents.reopen(intent.intentId());
                } catch (RuntimeException storeDown) {
                    // stays 'recovering': the next pass picks it up again
                }
            }
        }
        return settled;
    }
}
