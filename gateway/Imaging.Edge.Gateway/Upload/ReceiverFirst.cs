using Imaging.Edge.Dicom.Network;

namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// Uploads give way to the receiver: while a DICOM association is open, only the first upload slot starts new uploads
/// and the others wait, so that uploads take one core at most from the instances being acknowledged (2 cores, shared).
/// Uploads never stop: slot 0 goes on, and every slot resumes once no association is open.
/// </summary>
internal sealed class ReceiverFirst(Func<int> activeAssociations)
{
    public ReceiverFirst(DicomServer receiver) : this(() => receiver.ActiveAssociations)
    {
    }

    /// <summary>Whether <paramref name="slot"/> waits instead of leasing the next instance.</summary>
    public bool Waits(int slot) => slot > 0 && activeAssociations() > 0;
}
