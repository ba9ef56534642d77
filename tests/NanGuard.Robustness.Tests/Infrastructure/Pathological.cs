using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>Inputs of pathological size, each generated from a size so that a longer run can ask for bigger ones.</summary>
public static class Pathological
{
    private const string Usings = "using TorchSharp;\nusing static TorchSharp.torch;\nusing F = TorchSharp.torch.nn.functional;\n";

    /// <summary>(name, source, how many diagnostics the rules must find at least, or -1 for no expectation).</summary>
    public static IEnumerable<(string Name, string Text)> All()
    {
        yield return ("tensor arithmetic nested 2000 deep", Usings + "class C { Tensor M(Tensor x) => (" + string.Join(" * ", Enumerable.Repeat("x", 2000)) + ").sum(); }");
        yield return ("parenthesized tensor arithmetic 1000 deep", Usings + "class C { Tensor M(Tensor x) => " + new string('(', 1000) + "x" + string.Concat(Enumerable.Repeat(" + x)", 1000)) + ".sum().log(); }");
        yield return ("torch.log calls nested 500 deep over a softmax", Usings + "class C { Tensor M(Tensor x) => " + string.Concat(Enumerable.Repeat("torch.log(", 500)) + "F.softmax(x, 1)" + new string(')', 500) + "; }");
        yield return ("instance calls chained 3000 long", Usings + "class C { Tensor M(Tensor x) => x" + string.Concat(Enumerable.Repeat(".softmax(1).log()", 1500)) + "; }");
        yield return ("locals chained 2000 long", Usings + "class C { Tensor M(Tensor x) {\n var p0 = F.softmax(x, 1);\n" + string.Concat(Enumerable.Range(1, 2000).Select(i => $" var p{i} = p{i - 1};\n")) + " return torch.log(p2000); } }");
        yield return ("method of 10000 lines with 2000 diagnostics", Usings + "class C { void M(Tensor x) {\n" + string.Concat(Enumerable.Range(0, 10000).Select(i =>
            i % 5 == 0 ? $" var l{i} = torch.log(F.softmax(x, 1));\n" : $" var t{i} = x;\n")) + "} }");
        yield return ("file of 100000 lines", HundredThousandLines());
    }

    /// <summary>
    /// A loop of 5000 lines with 1000 backward/step pairs. Known slow path (not yet fixed): NG2001 reads the loss's
    /// single assignment per step (ValueFlow.IsReassigned walks the whole method each time), quadratic in the loop.
    /// </summary>
    public static (string Name, string Text) LongTrainingLoop() =>
        ("training loop of 5000 lines with 1000 steps", Usings + "class C { void M(Tensor loss, optim.Optimizer o) { for (;;) {\n" + string.Concat(Enumerable.Range(0, 1000).Select(i =>
            $" loss.backward();\n var a{i} = loss * 2;\n var b{i} = a{i}.sum();\n Helper();\n o.step();\n")) + "} }\n void Helper() { var q = torch.zeros(1); } }");

    private static string HundredThousandLines()
    {
        var builder = new StringBuilder(Usings);
        // 8 lines per method, 12500 methods in 250 classes: every 10th has a finding.
        for (var c = 0; c < 250; c++)
        {
            builder.Append("class C").Append(c).Append(" {\n");
            for (var m = 0; m < 50; m++)
            {
                var n = c * 50 + m;
                builder.Append(" Tensor M").Append(m).Append("(Tensor x)\n {\n");
                // Mostly plain statements: the compiler's binding of a hundred thousand tensor operators is not ours to time.
                builder.Append(n % 10 == 0 ? "  var p = F.softmax(x, 1);\n" : "  var p = x;\n");
                builder.Append("  // " + n + "\n");
                builder.Append(n % 10 == 0 ? "  return torch.log(p);\n" : "  return p;\n");
                builder.Append(" }\n\n");
            }
            builder.Append("}\n");
        }
        return builder.ToString();
    }
}
