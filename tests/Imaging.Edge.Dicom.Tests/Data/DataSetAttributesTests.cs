using Imaging.Edge.Dicom.Data;

namespace Imaging.Edge.Dicom.Tests.Data;

public sealed class DataSetAttributesTests
{
    [Fact]
    public void Printing_the_attributes_leaves_the_patient_out()
    {
        var attributes = new DataSetAttributes { PatientName = "Yamada^Tarou", PatientId = "PID-12345", PatientBirthDate = "19700101", SopInstanceUid = "1.2.3" };

        var text = attributes.ToString();

        Assert.Contains("1.2.3", text);
        Assert.DoesNotContain("Yamada", text);
        Assert.DoesNotContain("PID-12345", text);
        Assert.DoesNotContain("19700101", text);
    }
}
