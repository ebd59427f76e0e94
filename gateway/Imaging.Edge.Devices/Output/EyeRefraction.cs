using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// One eye's refraction as a refractor or lensmeter reports it (e.g. the NIDEK line <c>OR+ 1.25- 1.25150</c>: right
/// eye, sphere +1.25 D, cylinder −1.25 D, axis 150°), gathered from the results the parsers mark with an eye and a
/// <see cref="RefractionQuantity"/> (<see cref="OphthalmicReadings"/>).
/// </summary>
/// <param name="Sphere">Sphere power in diopters.</param>
/// <param name="Cylinder">Cylinder power in diopters (the device's sign convention, usually minus cylinder); null: none measured.</param>
/// <param name="Axis">Cylinder axis in degrees, 0–180; present exactly when <paramref name="Cylinder"/> is.</param>
/// <param name="AddNear">Near addition in diopters (lensometry), if measured.</param>
/// <param name="AddIntermediate">Intermediate addition in diopters (lensometry), if measured.</param>
internal sealed record EyeRefraction(Eye Eye, double Sphere, double? Cylinder, double? Axis, double? AddNear = null, double? AddIntermediate = null);
