package com.imagingmanifest.testing.studies;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The study the tests and the bench seed their PACS with reads back as what it claims to be. */
class SyntheticCtStudyTest {
    private static final int NUMBER_OF_FRAMES = 0x00280008;
    private static final int ROWS = 0x00280010;

    @Test
    void filesAreCtInstancesOfOneSeriesOfTheGivenStudy() {
        SyntheticCtStudy study = SyntheticCtStudy.of("1.2.826.0.1.3680043.10.1", 3, "Doe^John", "P-1", "ISSUER");
        List<byte[]> files = study.part10Files();

        assertThat(files).hasSize(3);
        assertThat(study.sopUids()).doesNotHaveDuplicates();
        for (int i = 0; i < files.size(); i++) {
            DataSet ds = Part10.read(files.get(i)).dataSet();
            assertThat(ds.getString(Tag.SOPClassUID)).isEqualTo(Uid.CTImageStorage);
            assertThat(ds.getString(Tag.SOPInstanceUID)).isEqualTo(study.sopUids().get(i));
            assertThat(ds.getString(Tag.StudyInstanceUID)).isEqualTo("1.2.826.0.1.3680043.10.1");
            assertThat(ds.getString(Tag.SeriesInstanceUID)).isEqualTo(study.seriesUid());
            assertThat(ds.getString(Tag.PatientID)).isEqualTo("P-1");
            assertThat(ds.getString(Tag.InstanceNumber)).isEqualTo(Integer.toString(i + 1));
            assertThat(ds.contains(Tag.PixelData)).isFalse();
        }
    }

    @Test
    void imagesAndFramesCarryPixelsOfTheRequestedSize() {
        SyntheticCtStudy study = SyntheticCtStudy.of(Uid.generate(), 1, "Doe^John", "P-1", "ISSUER");

        DataSet image = Part10.read(study.part10Files(16).get(0)).dataSet();
        assertThat(image.getInt(ROWS, 0)).isEqualTo(16);
        assertThat(image.getBytes(Tag.PixelData)).hasSize(16 * 16 * 2);

        DataSet frames = Part10.read(study.multiFrameFile(Uid.generate(), Uid.generate(), 3, 8)).dataSet();
        assertThat(frames.getString(Tag.SOPClassUID)).isEqualTo(SyntheticCtStudy.MULTI_FRAME_SC);
        assertThat(frames.getString(NUMBER_OF_FRAMES)).isEqualTo("3");
        assertThat(frames.getBytes(Tag.PixelData)).hasSize(3 * 8 * 8 * 2);
    }
}
