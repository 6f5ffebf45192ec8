package com.imagingmanifest.dicom.data;

/**
 * DICOM tags as plain {@code int} (group in the high 16 bits), with the constants the project uses,
 * named by the PS3.6 keyword. The full keyword, tag and VR table is the data dictionary.
 */
public final class Tag {
    public static final int FileMetaInformationGroupLength = 0x00020000;
    public static final int FileMetaInformationVersion = 0x00020001;
    public static final int MediaStorageSOPClassUID = 0x00020002;
    public static final int MediaStorageSOPInstanceUID = 0x00020003;
    public static final int TransferSyntaxUID = 0x00020010;
    public static final int ImplementationClassUID = 0x00020012;
    public static final int ImplementationVersionName = 0x00020013;
    public static final int SourceApplicationEntityTitle = 0x00020016;
    public static final int SpecificCharacterSet = 0x00080005;
    public static final int InstanceCreationDate = 0x00080012;
    public static final int InstanceCreationTime = 0x00080013;
    public static final int SOPClassUID = 0x00080016;
    public static final int SOPInstanceUID = 0x00080018;
    public static final int StudyDate = 0x00080020;
    public static final int SeriesDate = 0x00080021;
    public static final int ContentDate = 0x00080023;
    public static final int StudyTime = 0x00080030;
    public static final int SeriesTime = 0x00080031;
    public static final int ContentTime = 0x00080033;
    public static final int AccessionNumber = 0x00080050;
    public static final int QueryRetrieveLevel = 0x00080052;
    public static final int RetrieveAETitle = 0x00080054;
    public static final int InstanceAvailability = 0x00080056;
    public static final int FailedSOPInstanceUIDList = 0x00080058;
    public static final int Modality = 0x00080060;
    public static final int ModalitiesInStudy = 0x00080061;
    public static final int Manufacturer = 0x00080070;
    public static final int InstitutionName = 0x00080080;
    public static final int ReferringPhysicianName = 0x00080090;
    public static final int CodeValue = 0x00080100;
    public static final int CodingSchemeDesignator = 0x00080102;
    public static final int CodingSchemeVersion = 0x00080103;
    public static final int CodeMeaning = 0x00080104;
    public static final int MappingResource = 0x00080105;
    public static final int LongCodeValue = 0x00080119;
    public static final int URNCodeValue = 0x00080120;
    public static final int RetrieveURL = 0x00081190;
    public static final int TimezoneOffsetFromUTC = 0x00080201;
    public static final int StudyDescription = 0x00081030;
    public static final int SeriesDescription = 0x0008103E;
    public static final int ReferencedPerformedProcedureStepSequence = 0x00081111;
    public static final int ReferencedSeriesSequence = 0x00081115;
    public static final int ReferencedSOPSequence = 0x00081199;
    public static final int ReferencedSOPClassUID = 0x00081150;
    public static final int ReferencedSOPInstanceUID = 0x00081155;
    public static final int ReferencedFrameNumber = 0x00081160;
    public static final int ManufacturerModelName = 0x00081090;
    public static final int FailedSOPSequence = 0x00081198;
    public static final int FailureReason = 0x00081197;
    public static final int WarningReason = 0x00081196;
    public static final int PatientName = 0x00100010;
    public static final int PatientID = 0x00100020;
    public static final int IssuerOfPatientID = 0x00100021;
    public static final int PatientBirthDate = 0x00100030;
    public static final int PatientSex = 0x00100040;
    public static final int OtherPatientIDsSequence = 0x00101002;
    public static final int StudyInstanceUID = 0x0020000D;
    public static final int SeriesInstanceUID = 0x0020000E;
    public static final int StudyID = 0x00200010;
    public static final int SeriesNumber = 0x00200011;
    public static final int InstanceNumber = 0x00200013;
    public static final int NumberOfStudyRelatedSeries = 0x00201206;
    public static final int NumberOfStudyRelatedInstances = 0x00201208;
    public static final int NumberOfSeriesRelatedInstances = 0x00201209;
    public static final int ValueType = 0x0040A040;
    public static final int ConceptNameCodeSequence = 0x0040A043;
    public static final int ContinuityOfContent = 0x0040A050;
    public static final int RelationshipType = 0x0040A010;
    public static final int ObservationDateTime = 0x0040A032;
    public static final int PersonName = 0x0040A123;
    public static final int UID = 0x0040A124;
    public static final int TextValue = 0x0040A160;
    public static final int ConceptCodeSequence = 0x0040A168;
    public static final int ContentTemplateSequence = 0x0040A504;
    public static final int TemplateIdentifier = 0x0040DB00;
    public static final int ContentSequence = 0x0040A730;
    public static final int CurrentRequestedProcedureEvidenceSequence = 0x0040A375;
    public static final int IdenticalDocumentsSequence = 0x0040A525;
    public static final int PixelData = 0x7FE00010;
    public static final int Item = 0xFFFEE000;
    public static final int ItemDelimitationItem = 0xFFFEE00D;
    public static final int SequenceDelimitationItem = 0xFFFEE0DD;
    public static final int CommandGroupLength = 0x00000000;
    public static final int AffectedSOPClassUID = 0x00000002;
    public static final int RequestedSOPClassUID = 0x00000003;
    public static final int CommandField = 0x00000100;
    public static final int MessageID = 0x00000110;
    public static final int MessageIDBeingRespondedTo = 0x00000120;
    public static final int MoveDestination = 0x00000600;
    public static final int Priority = 0x00000700;
    public static final int CommandDataSetType = 0x00000800;
    public static final int Status = 0x00000900;
    public static final int OffendingElement = 0x00000901;
    public static final int ErrorComment = 0x00000902;
    public static final int ErrorID = 0x00000903;
    public static final int AffectedSOPInstanceUID = 0x00001000;
    public static final int RequestedSOPInstanceUID = 0x00001001;
    public static final int NumberOfRemainingSuboperations = 0x00001020;
    public static final int NumberOfCompletedSuboperations = 0x00001021;
    public static final int NumberOfFailedSuboperations = 0x00001022;
    public static final int NumberOfWarningSuboperations = 0x00001023;
    public static final int MoveOriginatorApplicationEntityTitle = 0x00001030;
    public static final int MoveOriginatorMessageID = 0x00001031;

    private Tag() {
    }

    public static int of(int group, int element) {
        return (group << 16) | (element & 0xFFFF);
    }

    public static int group(int tag) {
        return tag >>> 16;
    }

    public static int element(int tag) {
        return tag & 0xFFFF;
    }

    /** PS3.5 7.8: odd groups other than 0001, 0003, 0005, 0007 and FFFF hold private elements. */
    public static boolean isPrivate(int tag) {
        int group = group(tag);
        return (group & 1) == 1 && group > 0x0007 && group != 0xFFFF;
    }

    /** Group-length elements (gggg,0000) are retired except in group 0000 and 0002. */
    public static boolean isGroupLength(int tag) {
        return element(tag) == 0;
    }

    /** "(gggg,eeee)" in upper-case hex, as in PS3.6. */
    public static String toString(int tag) {
        return String.format("(%04X,%04X)", group(tag), element(tag));
    }

    /** Parses "(gggg,eeee)", "gggg,eeee" or "ggggeeee" (hex). */
    public static int parse(String text) {
        String s = text.trim();
        if (s.startsWith("(") && s.endsWith(")")) {
            s = s.substring(1, s.length() - 1);
        }
        s = s.replace(",", "");
        if (s.length() != 8) {
            throw new IllegalArgumentException("not a tag: " + text);
        }
        return (int) Long.parseLong(s, 16);
    }
}
