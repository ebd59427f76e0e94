namespace Imaging.Edge.Devices.Link.Astm;

/// <summary>Which end of the line this is; it decides who wins contention (LIS01-A2 §8.2.7.1: the instrument).</summary>
internal enum AstmRole
{
    /// <summary>The laboratory computer (the gateway).</summary>
    Computer,
    /// <summary>The analyser.</summary>
    Instrument,
}
