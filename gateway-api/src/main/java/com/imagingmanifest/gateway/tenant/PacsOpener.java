package com.imagingmanifest.gateway.tenant;

import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsBinding;

/** Opens the {@link Pacs} for a binding; a bean so tests can substitute a fake PACS. */
@FunctionalInterface
public interface PacsOpener {
    Pacs open(PacsBinding binding);
}
