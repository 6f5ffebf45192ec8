package com.imagingmanifest.kos;

/**
 * Where a viewer retrieves the selected instances from: the Retrieve AE Title (0008,0054) and the
 * public DICOMweb base URL written as Retrieve URL (0008,1190) on each series item of a KOS. Either
 * part may be null when the PACS offers only the other.
 */
public record RetrieveLocation(String aeTitle, String dicomwebUrl) {
}
