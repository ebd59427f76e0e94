namespace Imaging.Edge.Devices.Output;

/// <summary>Which eye a measurement is of.</summary>
internal enum Eye { Right, Left }

/// <summary>
/// One eye's refraction as an autorefractor reports it (e.g. the NIDEK line <c>OR+ 1.25- 1.25150</c>: right eye,
/// sphere +1.25 D, cylinder −1.25 D, axis 150°). The fixed-width parser (to come) produces these.
/// </summary>
/// <param name="Sphere">Sphere power in diopters.</param>
/// <param name="Cylinder">Cylinder power in diopters (the device's sign convention, usually minus cylinder).</param>
/// <param name="Axis">Cylinder axis in degrees, 0–180.</param>
internal sealed record EyeRefraction(Eye Eye, double Sphere, double Cylinder, double Axis);
