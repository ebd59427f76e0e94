namespace Imaging.Edge.Devices.Parsing;

/// <summary>Which eye (or spectacle lens) a measurement is of; in a profile, <c>right</c> / <c>left</c>.</summary>
internal enum Eye { Right, Left }
