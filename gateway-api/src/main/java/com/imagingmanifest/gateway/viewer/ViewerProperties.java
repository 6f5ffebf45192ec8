package com.imagingmanifest.gateway.viewer;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gateway.organizations[n].viewer-dicomweb}: which DICOMweb base the manifests' {@code dicom-wado-rs}
 * Endpoints name. {@code pacs} (the default): the binding's public DICOMweb URL, as before;
 * {@code gateway}: the organization's selection-scoped base on the gateway, which serves exactly the
 * selection with the FHIR API's tokens (docs/viewers.md §4).
 */
@ConfigurationProperties("gateway")
public record ViewerProperties(@DefaultValue List<Organization> organizations) {

    public record Organization(String id, @DefaultValue("pacs") String viewerDicomweb) {
    }
}
