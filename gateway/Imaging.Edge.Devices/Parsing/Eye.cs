using System.Text.Json.Serialization;

namespace Imaging.Edge.Devices.Parsing;

/// <summary>Which eye (or spectacle lens) a measurement is of; in a profile, <c>right</c> / <c>left</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Eye>))] // golden files read "Right", not 0
internal enum Eye { Right, Left }
