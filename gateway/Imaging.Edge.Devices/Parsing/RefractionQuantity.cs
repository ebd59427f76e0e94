using System.Text.Json.Serialization;

namespace Imaging.Edge.Devices.Parsing;

/// <summary>
/// What an ophthalmic value is, so that the refractive measurement IODs (PS3.3 C.8.25) can place it: sphere and
/// cylinder power in diopters, cylinder axis in degrees, near / intermediate addition in diopters.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefractionQuantity>))] // golden files read "Right", not 0
internal enum RefractionQuantity { Sphere, Cylinder, Axis, AddNear, AddIntermediate }
