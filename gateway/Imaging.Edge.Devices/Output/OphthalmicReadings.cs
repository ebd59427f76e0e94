using System.Globalization;
using Imaging.Edge.Devices.Parsing;

namespace Imaging.Edge.Devices.Output;

/// <summary>
/// Gathers a message's ophthalmic results (each with an eye and a <see cref="RefractionQuantity"/>, as the profile's
/// fields declare) into one reading per eye for the refractive measurement IODs. A refractor or lensmeter may send
/// several readings of an eye (single measurements, then the representative one); the representative one is taken
/// to be the <b>last</b> value of each quantity the device sent for that eye. The results fit only when every
/// result is such a value, each eye has a sphere, cylinder and axis come together, and the numbers are in range;
/// otherwise the reason is returned and the caller falls back to the Comprehensive SR, which holds any result.
/// </summary>
internal static class OphthalmicReadings
{
    /// <param name="allowed">The quantities the IOD has a place for (autorefraction: no addition).</param>
    public static IReadOnlyList<EyeRefraction>? TryGather(IReadOnlyList<DeviceResult> results, IReadOnlySet<RefractionQuantity> allowed, out string? reason)
    {
        var last = new Dictionary<(Eye, RefractionQuantity), double>();
        foreach (var (result, index) in results.Select((r, i) => (r, i + 1)))
        {
            if (result.Eye is not { } eye || result.Refraction is not { } quantity)
                return Fail($"result {index} is not an ophthalmic value with an eye", out reason);
            if (!allowed.Contains(quantity))
                return Fail($"result {index} is a quantity this object has no place for", out reason);
            if (!double.TryParse(result.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)
                || !InRange(quantity, value))
                return Fail($"result {index} is not a number in the range of its quantity", out reason);
            last[(eye, quantity)] = value;
        }

        var eyes = new List<EyeRefraction>();
        foreach (var eye in new[] { Eye.Right, Eye.Left })
        {
            double? Get(RefractionQuantity q) => last.TryGetValue((eye, q), out double v) ? v : null;
            if (!last.Keys.Any(k => k.Item1 == eye))
                continue;
            if (Get(RefractionQuantity.Sphere) is not { } sphere)
                return Fail($"the {Name(eye)} eye has no sphere", out reason);
            double? cylinder = Get(RefractionQuantity.Cylinder), axis = Get(RefractionQuantity.Axis);
            if (cylinder.HasValue != axis.HasValue)
                return Fail($"the {Name(eye)} eye has a cylinder without an axis or an axis without a cylinder", out reason);
            eyes.Add(new EyeRefraction(eye, sphere, cylinder, axis, Get(RefractionQuantity.AddNear), Get(RefractionQuantity.AddIntermediate)));
        }
        if (eyes.Count == 0)
            return Fail("the message has no ophthalmic value", out reason);
        reason = null;
        return eyes;
    }

    private static bool InRange(RefractionQuantity quantity, double value) => quantity switch
    {
        RefractionQuantity.Axis => value is >= 0 and <= 180,
        _ => value is >= -50 and <= 50, // diopters: far beyond any lens or eye, short of a misread field
    };

    private static string Name(Eye eye) => eye == Eye.Right ? "right" : "left";

    private static IReadOnlyList<EyeRefraction>? Fail(string what, out string? reason)
    {
        reason = what;
        return null;
    }
}
