namespace Imaging.Edge.Gateway.Upload;

/// <summary>
/// The operator's switch for uploads (<c>pause-uploads</c> / <c>resume-uploads</c>), e.g. while a hospital's uplink
/// is needed for something else. Receiving goes on while paused; the queue just grows. Not persisted: a restart
/// resumes uploads, which is the safe default for a box nobody is watching.
/// </summary>
internal sealed class UploadPause
{
    private volatile bool _paused;

    public bool IsPaused => _paused;

    /// <summary>Returns whether the state changed.</summary>
    public bool Set(bool paused)
    {
        var changed = _paused != paused;
        _paused = paused;
        return changed;
    }
}
