namespace Imaging.Edge.Devices.Profiles;

/// <summary>The DICOM object a message becomes (built in a later step; a Raw Data instance always comes with it).</summary>
internal sealed record OutputSettings
{
    public required OutputKind Kind { get; init; }
}

internal enum OutputKind
{
    /// <summary>Comprehensive SR, 1.2.840.10008.5.1.4.1.1.88.33: measurements as NUM items.</summary>
    Sr,
    /// <summary>Lensometry Measurements, 1.2.840.10008.5.1.4.1.1.78.1.</summary>
    Lensometry,
    /// <summary>Autorefraction Measurements, …78.2.</summary>
    Autorefraction,
    /// <summary>Keratometry Measurements, …78.3.</summary>
    Keratometry,
    /// <summary>Subjective Refraction Measurements, …78.4.</summary>
    SubjectiveRefraction,
    /// <summary>Visual Acuity Measurements, …78.5.</summary>
    VisualAcuity,
}
