using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NanGuard.Benchmarks;

/// <summary>A generated source file.</summary>
internal sealed record CorpusFile(string Name, string Text);

/// <summary>A generated corpus: its files, its size, and the findings planted in it, by id.</summary>
internal sealed record Corpus(
    string Name,
    bool UsesTorchSharp,
    ImmutableArray<CorpusFile> Files,
    int Lines,
    ImmutableDictionary<string, int> Planted,
    ImmutableDictionary<string, int> PlantedCopies);

/// <summary>
/// Writes a corpus that reads like a TorchSharp code base (models, training loops, losses, data and metric
/// utilities), or one of the same shape with no TorchSharp in it. Everything is drawn from one seeded random source,
/// so a seed and a size always give the same text. Most code is clean; the catalog's patterns (<see cref="Plants"/>)
/// are planted as small classes beside the clean code, about one per <see cref="LinesPerPlant"/> lines.
/// </summary>
internal sealed class CorpusGenerator
{
    public const int BaseLines = 50_000;
    public const int LinesPerPlant = 400;

    private readonly Random _random;
    private readonly bool _torch;
    private readonly ImmutableArray<PlantEntry> _entries;
    private int _plantIndex;
    private readonly Dictionary<string, int> _variantIndex = new(StringComparer.Ordinal);

    private CorpusGenerator(int seed, bool torch, ImmutableArray<PlantEntry> entries)
    {
        _random = new Random(seed);
        _torch = torch;
        _entries = entries;
    }

    /// <summary>
    /// Generates a corpus of about <paramref name="lines"/> lines. <paramref name="active"/> decides which plant
    /// entries are planted (their rule is loaded); <paramref name="reported"/> which ids are counted.
    /// </summary>
    public static Corpus Generate(string name, int lines, int seed, bool torch, Func<PlantEntry, bool> active, Func<string, bool> reported)
    {
        var entries = Plants.All.Where(e => active(e) && (torch || e.WithoutTorchSharp)).ToImmutableArray();
        var generator = new CorpusGenerator(seed, torch, entries);
        var files = new List<CorpusFile>();
        var planted = new Dictionary<string, int>(StringComparer.Ordinal);
        var copies = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        var sinceLastPlant = 0;
        for (var index = 0; total < lines; index++)
        {
            var text = new StringBuilder();
            generator.WriteFile(text, index);
            sinceLastPlant += CountLines(text);
            var plants = new StringBuilder();
            while (sinceLastPlant >= LinesPerPlant && generator.NextPlant() is { } entry)
            {
                sinceLastPlant -= LinesPerPlant;
                var className = $"Planted{entry.Rule}{entry.Name}{index}x{generator._plantIndex}";
                plants.AppendLine().AppendLine(Indent(entry.Write(className, generator._random)));
                copies[entry.Rule + "." + entry.Name] = copies.TryGetValue(entry.Rule + "." + entry.Name, out var c) ? c + 1 : 1;
                foreach (var (id, count) in entry.Expected)
                {
                    if (reported(id))
                        planted[id] = (planted.TryGetValue(id, out var p) ? p : 0) + count;
                }
            }
            if (plants.Length > 0)
                InsertBeforeNamespaceEnd(text, plants.ToString());
            var content = text.ToString();
            total += CountLines(content);
            files.Add(new CorpusFile($"{name}/File{index:D4}.cs", content));
        }
        return new Corpus(name, torch, files.ToImmutableArray(), total,
            planted.ToImmutableDictionary(StringComparer.Ordinal), copies.ToImmutableDictionary(StringComparer.Ordinal));
    }

    /// <summary>Each rule in turn (so every rule gets its share), and each rule's variants in turn.</summary>
    private PlantEntry? NextPlant()
    {
        if (_entries.IsEmpty)
            return null;
        var rules = _entries.Select(e => e.Rule).Distinct().ToArray();
        var rule = rules[_plantIndex++ % rules.Length];
        var variants = _entries.Where(e => e.Rule == rule).ToArray();
        _variantIndex.TryGetValue(rule, out var variant);
        _variantIndex[rule] = variant + 1;
        return variants[variant % variants.Length];
    }

    private static int CountLines(StringBuilder text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
                count++;
        }
        return count;
    }

    private static int CountLines(string text) => text.Count(c => c == '\n');

    private static void InsertBeforeNamespaceEnd(StringBuilder text, string members)
    {
        var content = text.ToString();
        var end = content.LastIndexOf('}');
        text.Clear().Append(content, 0, end).Append(members).Append(content, end, content.Length - end);
    }

    private static string Indent(string code) =>
        string.Join("\n", code.Replace("\r\n", "\n").Split('\n').Select(line => line.Length == 0 ? line : "    " + line));

    private void WriteFile(StringBuilder text, int index)
    {
        text.AppendLine("// NanGuard benchmark corpus, written from a seed (hand-written style code; not marked as generated).");
        text.AppendLine("using System;");
        text.AppendLine("using System.Collections.Generic;");
        text.AppendLine("using System.Linq;");
        text.AppendLine("using System.Text;");
        if (_torch)
        {
            text.AppendLine("using TorchSharp;");
            text.AppendLine("using TorchSharp.Modules;");
            text.AppendLine("using static TorchSharp.torch;");
            text.AppendLine("using F = TorchSharp.torch.nn.functional;");
        }
        text.AppendLine();
        text.AppendLine($"namespace Corpus.Part{index / 20:D3}");
        text.AppendLine("{");
        switch (index % 4)
        {
            case 0:
                WriteModels(text, index);
                break;
            case 1:
                WriteTraining(text, index);
                break;
            case 2:
                WriteLosses(text, index);
                break;
            default:
                WriteUtilities(text, index);
                break;
        }
        text.AppendLine("}");
    }

    private int Next(int min, int max) => _random.Next(min, max);

    private string Pick(params string[] options) => options[_random.Next(options.Length)];

    private static string Num(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);

    // ---- models -------------------------------------------------------------------------------------------

    private void WriteModels(StringBuilder text, int index)
    {
        var count = Next(2, 4);
        for (var m = 0; m < count; m++)
        {
            if (_torch)
                WriteTorchModel(text, $"Model{index}_{m}");
            else
                WritePlainModel(text, $"Model{index}_{m}");
        }
    }

    private void WriteTorchModel(StringBuilder text, string name)
    {
        var layers = Next(3, 7);
        var widths = Enumerable.Range(0, layers + 1).Select(_ => 16 * Next(2, 33)).ToArray();
        var recurrent = Next(0, 5) == 0;
        text.AppendLine($"public sealed class {name} : nn.Module<Tensor, Tensor>");
        text.AppendLine("{");
        for (var l = 0; l < layers; l++)
            text.AppendLine($"    private readonly Linear layer{l} = nn.Linear({widths[l]}, {widths[l + 1]});");
        text.AppendLine($"    private readonly Dropout dropout = nn.Dropout({Num(0.1 * Next(1, 5))});");
        if (recurrent)
            text.AppendLine($"    private readonly GRU encoder = nn.GRU({widths[0]}, {widths[0]});");
        text.AppendLine($"    private readonly double residualScale = {Num(0.5 + 0.1 * Next(0, 5))};");
        text.AppendLine();
        text.AppendLine($"    public {name}() : base(nameof({name})) => RegisterComponents();");
        text.AppendLine();
        text.AppendLine("    public override Tensor forward(Tensor input)");
        text.AppendLine("    {");
        text.AppendLine(recurrent ? "        var (encoded, _) = encoder.call(input);" : "        var encoded = input;");
        text.AppendLine("        var hidden = encoded;");
        for (var l = 0; l < layers; l++)
        {
            var activation = Pick("F.relu({0})", "{0}.tanh()", "{0}.relu()", "F.relu({0}) * residualScale");
            text.AppendLine($"        hidden = {string.Format(CultureInfo.InvariantCulture, activation, $"layer{l}.call(hidden)")};");
            if (l % 2 == 1 && l < layers - 1)
                text.AppendLine("        hidden = dropout.call(hidden);");
        }
        text.AppendLine("        return hidden;");
        text.AppendLine("    }");
        text.AppendLine();
        text.AppendLine("    public long ParameterCount()");
        text.AppendLine("    {");
        text.AppendLine("        long total = 0;");
        text.AppendLine("        foreach (var (parameterName, parameter) in named_parameters())");
        text.AppendLine("        {");
        text.AppendLine("            if (parameterName.Length > 0 && parameter.requires_grad)");
        text.AppendLine("                total += parameter.numel();");
        text.AppendLine("        }");
        text.AppendLine("        return total;");
        text.AppendLine("    }");
        text.AppendLine();
        WriteDescribe(text, layers, widths);
        text.AppendLine();
        text.AppendLine("    public Tensor Predict(Tensor input)");
        text.AppendLine("    {");
        text.AppendLine("        using var _ = torch.no_grad();");
        text.AppendLine("        eval();");
        text.AppendLine("        var logits = call(input);");
        text.AppendLine(Pick("        return logits.argmax(1);", "        return F.softmax(logits, 1);", "        return logits.softmax(1).argmax(1);"));
        text.AppendLine("    }");
        text.AppendLine("}");
        text.AppendLine();
    }

    private void WritePlainModel(StringBuilder text, string name)
    {
        var layers = Next(3, 7);
        text.AppendLine($"public sealed class {name}");
        text.AppendLine("{");
        for (var l = 0; l < layers; l++)
            text.AppendLine($"    private readonly double[,] weights{l} = new double[{16 * Next(2, 33)}, {16 * Next(2, 33)}];");
        text.AppendLine($"    private readonly double residualScale = {Num(0.5 + 0.1 * Next(0, 5))};");
        text.AppendLine();
        text.AppendLine("    public double[] Forward(double[] input)");
        text.AppendLine("    {");
        text.AppendLine("        var hidden = input;");
        for (var l = 0; l < layers; l++)
        {
            text.AppendLine($"        hidden = Activate(MatVec(weights{l}, hidden));");
            if (l % 2 == 1)
                text.AppendLine("        hidden = hidden.Select(h => h * residualScale).ToArray();");
        }
        text.AppendLine("        return hidden;");
        text.AppendLine("    }");
        text.AppendLine();
        text.AppendLine("    private static double[] MatVec(double[,] weights, double[] vector)");
        text.AppendLine("    {");
        text.AppendLine("        var rows = weights.GetLength(0);");
        text.AppendLine("        var columns = Math.Min(weights.GetLength(1), vector.Length);");
        text.AppendLine("        var result = new double[rows];");
        text.AppendLine("        for (var r = 0; r < rows; r++)");
        text.AppendLine("        {");
        text.AppendLine("            var sum = 0.0;");
        text.AppendLine("            for (var c = 0; c < columns; c++)");
        text.AppendLine("                sum += weights[r, c] * vector[c];");
        text.AppendLine("            result[r] = sum;");
        text.AppendLine("        }");
        text.AppendLine("        return result;");
        text.AppendLine("    }");
        text.AppendLine();
        text.AppendLine(Pick(
            "    private static double[] Activate(double[] values) => values.Select(v => Math.Max(0.0, v)).ToArray();",
            "    private static double[] Activate(double[] values) => values.Select(Math.Tanh).ToArray();"));
        text.AppendLine();
        WriteDescribe(text, layers, Enumerable.Range(0, layers + 1).Select(_ => 16 * Next(2, 33)).ToArray());
        text.AppendLine("}");
        text.AppendLine();
    }

    private static void WriteDescribe(StringBuilder text, int layers, int[] widths)
    {
        text.AppendLine("    public string Describe()");
        text.AppendLine("    {");
        text.AppendLine("        var builder = new StringBuilder();");
        for (var l = 0; l < layers; l++)
            text.AppendLine($"        builder.Append(\"layer{l}: \").Append({widths[l]}).Append(\" -> \").Append({widths[l + 1]}).AppendLine();");
        text.AppendLine("        return builder.ToString();");
        text.AppendLine("    }");
    }

    // ---- training -----------------------------------------------------------------------------------------

    private void WriteTraining(StringBuilder text, int index)
    {
        var name = $"Trainer{index}";
        var batch = 16 << Next(0, 4);
        var features = 32 * Next(1, 9);
        var classes = Next(2, 20);
        var lr = Pick("1e-3", "3e-4", "1e-4", "5e-4");
        text.AppendLine($"public sealed class {name}");
        text.AppendLine("{");
        text.AppendLine($"    private readonly int patience = {Next(3, 10)};");
        text.AppendLine("    private readonly List<double> history = new();");
        text.AppendLine();
        if (_torch)
        {
            text.AppendLine("    public double Train(nn.Module<Tensor, Tensor> model, int epochs, int batches)");
            text.AppendLine("    {");
            text.AppendLine($"        var optimizer = torch.optim.{Pick("Adam", "AdamW")}(model.parameters(), lr: {lr});");
            text.AppendLine("        var best = double.MaxValue;");
            text.AppendLine("        var waited = 0;");
            text.AppendLine("        for (var epoch = 0; epoch < epochs; epoch++)");
            text.AppendLine("        {");
            text.AppendLine("            model.train();");
            text.AppendLine("            var epochLoss = 0.0;");
            text.AppendLine("            for (var batch = 0; batch < batches; batch++)");
            text.AppendLine("            {");
            text.AppendLine($"                using var inputs = torch.randn({batch}, {features});");
            text.AppendLine($"                using var labels = torch.randint(0, {classes}, new long[] {{ {batch} }});");
            text.AppendLine("                optimizer.zero_grad();");
            text.AppendLine("                using var logits = model.call(inputs);");
            text.AppendLine(Pick(
                "                using var loss = F.cross_entropy(logits, labels);",
                $"                using var loss = F.cross_entropy(logits, labels, label_smoothing: {Num(0.05 * Next(1, 3))});",
                "                using var loss = F.nll_loss(F.log_softmax(logits, 1), labels);"));
            text.AppendLine("                loss.backward();");
            text.AppendLine($"                var norm = torch.nn.utils.clip_grad_norm_(model.parameters(), {Num(Next(1, 5))});");
            text.AppendLine("                if (double.IsFinite(norm))");
            text.AppendLine("                    optimizer.step();");
            text.AppendLine("                epochLoss += loss.item<float>();");
            text.AppendLine("            }");
            text.AppendLine("            var mean = epochLoss / Math.Max(1, batches);");
            text.AppendLine("            history.Add(mean);");
            text.AppendLine("            if (mean < best - 1e-4)");
            text.AppendLine("            {");
            text.AppendLine("                best = mean;");
            text.AppendLine("                waited = 0;");
            text.AppendLine("            }");
            text.AppendLine("            else if (++waited >= patience)");
            text.AppendLine("            {");
            text.AppendLine("                break;");
            text.AppendLine("            }");
            text.AppendLine("        }");
            text.AppendLine("        return best;");
            text.AppendLine("    }");
            text.AppendLine();
            text.AppendLine("    public double Evaluate(nn.Module<Tensor, Tensor> model, int batches)");
            text.AppendLine("    {");
            text.AppendLine("        using var _ = torch.no_grad();");
            text.AppendLine("        model.eval();");
            text.AppendLine("        long correct = 0;");
            text.AppendLine("        long seen = 0;");
            text.AppendLine("        for (var batch = 0; batch < batches; batch++)");
            text.AppendLine("        {");
            text.AppendLine($"            using var inputs = torch.randn({batch}, {features});");
            text.AppendLine($"            using var labels = torch.randint(0, {classes}, new long[] {{ {batch} }});");
            text.AppendLine("            using var predicted = model.call(inputs).argmax(1);");
            text.AppendLine("            correct += predicted.eq(labels).sum().item<long>();");
            text.AppendLine($"            seen += {batch};");
            text.AppendLine("        }");
            text.AppendLine("        return seen == 0 ? 0.0 : (double)correct / seen;");
            text.AppendLine("    }");
        }
        else
        {
            text.AppendLine("    public double Train(Func<double[], double[]> model, Action<double[]> update, int epochs, int batches)");
            text.AppendLine("    {");
            text.AppendLine($"        var learningRate = {lr};");
            text.AppendLine("        var best = double.MaxValue;");
            text.AppendLine("        var waited = 0;");
            text.AppendLine("        var random = new Random(epochs);");
            text.AppendLine("        for (var epoch = 0; epoch < epochs; epoch++)");
            text.AppendLine("        {");
            text.AppendLine("            var epochLoss = 0.0;");
            text.AppendLine("            for (var batch = 0; batch < batches; batch++)");
            text.AppendLine("            {");
            text.AppendLine($"                var inputs = Enumerable.Range(0, {features}).Select(_ => random.NextDouble()).ToArray();");
            text.AppendLine("                var outputs = model(inputs);");
            text.AppendLine($"                var label = random.Next({classes});");
            text.AppendLine("                var loss = Corpus.Part000.Losses.CrossEntropy(outputs, label);");
            text.AppendLine("                var gradient = outputs.Select((o, i) => (o - (i == label ? 1.0 : 0.0)) * learningRate).ToArray();");
            text.AppendLine("                var norm = Math.Sqrt(gradient.Sum(g => g * g));");
            text.AppendLine("                if (norm > 1.0)");
            text.AppendLine("                    gradient = gradient.Select(g => g / norm).ToArray();");
            text.AppendLine("                update(gradient);");
            text.AppendLine("                epochLoss += loss;");
            text.AppendLine("            }");
            text.AppendLine("            var mean = epochLoss / Math.Max(1, batches);");
            text.AppendLine("            history.Add(mean);");
            text.AppendLine("            if (mean < best - 1e-4)");
            text.AppendLine("            {");
            text.AppendLine("                best = mean;");
            text.AppendLine("                waited = 0;");
            text.AppendLine("            }");
            text.AppendLine("            else if (++waited >= patience)");
            text.AppendLine("            {");
            text.AppendLine("                break;");
            text.AppendLine("            }");
            text.AppendLine("        }");
            text.AppendLine("        return best;");
            text.AppendLine("    }");
        }
        text.AppendLine();
        text.AppendLine("    public double LearningRateAt(int step, int warmup, int total)");
        text.AppendLine("    {");
        text.AppendLine($"        var peak = {lr};");
        text.AppendLine("        if (step < warmup)");
        text.AppendLine("            return peak * (step + 1) / Math.Max(1, warmup);");
        text.AppendLine("        var progress = (double)(step - warmup) / Math.Max(1, total - warmup);");
        text.AppendLine("        return peak * 0.5 * (1.0 + Math.Cos(Math.PI * Math.Min(1.0, progress)));");
        text.AppendLine("    }");
        text.AppendLine();
        text.AppendLine("    public string Summary()");
        text.AppendLine("    {");
        text.AppendLine("        if (history.Count == 0)");
        text.AppendLine("            return \"no epochs\";");
        text.AppendLine("        var best = history.Min();");
        text.AppendLine("        var last = history[history.Count - 1];");
        text.AppendLine("        return $\"epochs={history.Count} best={best:F4} last={last:F4}\";");
        text.AppendLine("    }");
        text.AppendLine("}");
        text.AppendLine();
    }

    // ---- losses -------------------------------------------------------------------------------------------

    private void WriteLosses(StringBuilder text, int index)
    {
        text.AppendLine($"public static class Losses{index}");
        text.AppendLine("{");
        var count = Next(5, 9);
        for (var i = 0; i < count; i++)
        {
            if (_torch)
                WriteTorchLoss(text, i);
            else
                WritePlainLoss(text, i);
            text.AppendLine();
        }
        text.AppendLine("}");
        text.AppendLine();
        if (!_torch && index == 2)
            WritePlainLossHelpers(text);
    }

    private void WriteTorchLoss(StringBuilder text, int i)
    {
        switch (Next(0, 6))
        {
            case 0:
                text.AppendLine($"    public static Tensor Classification{i}(Tensor logits, Tensor labels) => F.cross_entropy(logits, labels);");
                break;
            case 1:
                text.AppendLine($"    public static Tensor LogLikelihood{i}(Tensor logits, Tensor labels)");
                text.AppendLine("    {");
                text.AppendLine("        var logProbabilities = F.log_softmax(logits, 1);");
                text.AppendLine("        return F.nll_loss(logProbabilities, labels);");
                text.AppendLine("    }");
                break;
            case 2:
                text.AppendLine($"    public static Tensor Regression{i}(Tensor predicted, Tensor target, double weight)");
                text.AppendLine("    {");
                text.AppendLine("        var squared = F.mse_loss(predicted, target);");
                text.AppendLine("        var absolute = (predicted - target).abs().mean();");
                text.AppendLine("        return squared * weight + absolute * (1.0 - weight);");
                text.AppendLine("    }");
                break;
            case 3:
                text.AppendLine($"    public static Tensor Binary{i}(Tensor logits, Tensor targets) =>");
                text.AppendLine("        F.binary_cross_entropy_with_logits(logits, targets);");
                break;
            case 4:
                text.AppendLine($"    public static Tensor Focal{i}(Tensor logits, Tensor labels, double gamma)");
                text.AppendLine("    {");
                text.AppendLine("        var logProbabilities = logits.log_softmax(1);");
                text.AppendLine("        var weights = (1.0 - logProbabilities.exp()).pow(gamma);");
                text.AppendLine("        return F.nll_loss(weights * logProbabilities, labels);");
                text.AppendLine("    }");
                break;
            default:
                text.AppendLine($"    public static Tensor Regularised{i}(Tensor logits, Tensor labels, IEnumerable<Tensor> parameters, double decay)");
                text.AppendLine("    {");
                text.AppendLine("        var loss = F.cross_entropy(logits, labels);");
                text.AppendLine("        foreach (var parameter in parameters)");
                text.AppendLine("            loss = loss + parameter.pow(2).sum() * decay;");
                text.AppendLine("        return loss;");
                text.AppendLine("    }");
                break;
        }
    }

    private void WritePlainLoss(StringBuilder text, int i)
    {
        switch (Next(0, 3))
        {
            case 0:
                text.AppendLine($"    public static double Classification{i}(double[] logits, int label)");
                text.AppendLine("    {");
                text.AppendLine("        var max = logits.Max();");
                text.AppendLine("        var logSum = Math.Log(logits.Sum(l => Math.Exp(l - max))) + max;");
                text.AppendLine("        return logSum - logits[label];");
                text.AppendLine("    }");
                break;
            case 1:
                text.AppendLine($"    public static double Regression{i}(double[] predicted, double[] target, double weight)");
                text.AppendLine("    {");
                text.AppendLine("        var squared = predicted.Zip(target, (p, t) => (p - t) * (p - t)).Average();");
                text.AppendLine("        var absolute = predicted.Zip(target, (p, t) => Math.Abs(p - t)).Average();");
                text.AppendLine("        return squared * weight + absolute * (1.0 - weight);");
                text.AppendLine("    }");
                break;
            default:
                text.AppendLine($"    public static double Binary{i}(double logit, double target)");
                text.AppendLine("    {");
                text.AppendLine("        var softplus = Math.Max(logit, 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs(logit)));");
                text.AppendLine("        return softplus - logit * target;");
                text.AppendLine("    }");
                break;
        }
    }

    private static void WritePlainLossHelpers(StringBuilder text)
    {
        text.AppendLine("public static class Losses");
        text.AppendLine("{");
        text.AppendLine("    public static double CrossEntropy(double[] outputs, int label)");
        text.AppendLine("    {");
        text.AppendLine("        var max = outputs.Max();");
        text.AppendLine("        return Math.Log(outputs.Sum(o => Math.Exp(o - max))) + max - outputs[label];");
        text.AppendLine("    }");
        text.AppendLine("}");
        text.AppendLine();
    }

    // ---- utilities ----------------------------------------------------------------------------------------

    private void WriteUtilities(StringBuilder text, int index)
    {
        text.AppendLine($"public static class Metrics{index}");
        text.AppendLine("{");
        text.AppendLine("    public static double MovingAverage(IReadOnlyList<double> values, int window)");
        text.AppendLine("    {");
        text.AppendLine("        if (values.Count == 0 || window <= 0)");
        text.AppendLine("            return 0.0;");
        text.AppendLine("        var start = Math.Max(0, values.Count - window);");
        text.AppendLine("        var sum = 0.0;");
        text.AppendLine("        for (var i = start; i < values.Count; i++)");
        text.AppendLine("            sum += values[i];");
        text.AppendLine("        return sum / (values.Count - start);");
        text.AppendLine("    }");
        text.AppendLine();
        text.AppendLine("    public static (double Precision, double Recall, double F1) Scores(int[] predicted, int[] actual, int positive)");
        text.AppendLine("    {");
        text.AppendLine("        int truePositive = 0, falsePositive = 0, falseNegative = 0;");
        text.AppendLine("        for (var i = 0; i < Math.Min(predicted.Length, actual.Length); i++)");
        text.AppendLine("        {");
        text.AppendLine("            if (predicted[i] == positive && actual[i] == positive) truePositive++;");
        text.AppendLine("            else if (predicted[i] == positive) falsePositive++;");
        text.AppendLine("            else if (actual[i] == positive) falseNegative++;");
        text.AppendLine("        }");
        text.AppendLine("        var precision = truePositive + falsePositive == 0 ? 0.0 : (double)truePositive / (truePositive + falsePositive);");
        text.AppendLine("        var recall = truePositive + falseNegative == 0 ? 0.0 : (double)truePositive / (truePositive + falseNegative);");
        text.AppendLine("        var f1 = precision + recall == 0.0 ? 0.0 : 2 * precision * recall / (precision + recall);");
        text.AppendLine("        return (precision, recall, f1);");
        text.AppendLine("    }");
        text.AppendLine();
        var options = Next(4, 10);
        text.AppendLine("    public static Dictionary<string, string> ParseOptions(string[] args)");
        text.AppendLine("    {");
        text.AppendLine("        var options = new Dictionary<string, string>(StringComparer.Ordinal);");
        text.AppendLine("        for (var i = 0; i + 1 < args.Length; i += 2)");
        text.AppendLine("        {");
        text.AppendLine("            switch (args[i])");
        text.AppendLine("            {");
        for (var o = 0; o < options; o++)
        {
            text.AppendLine($"                case \"--option{o}\":");
            text.AppendLine($"                    options[\"option{o}\"] = args[i + 1];");
            text.AppendLine("                    break;");
        }
        text.AppendLine("                default:");
        text.AppendLine("                    throw new ArgumentException(\"unknown option \" + args[i]);");
        text.AppendLine("            }");
        text.AppendLine("        }");
        text.AppendLine("        return options;");
        text.AppendLine("    }");
        if (_torch)
        {
            var features = 32 * Next(1, 9);
            text.AppendLine();
            text.AppendLine("    public static IEnumerable<(Tensor Inputs, Tensor Labels)> Batches(float[][] rows, long[] labels, int batchSize)");
            text.AppendLine("    {");
            text.AppendLine("        for (var start = 0; start < rows.Length; start += batchSize)");
            text.AppendLine("        {");
            text.AppendLine("            var count = Math.Min(batchSize, rows.Length - start);");
            text.AppendLine("            var flat = rows.Skip(start).Take(count).SelectMany(r => r).ToArray();");
            text.AppendLine($"            var inputs = torch.tensor(flat).reshape(count, {features});");
            text.AppendLine("            var targets = torch.tensor(labels.Skip(start).Take(count).ToArray());");
            text.AppendLine("            yield return (inputs, targets);");
            text.AppendLine("        }");
            text.AppendLine("    }");
            text.AppendLine();
            text.AppendLine("    public static Tensor Normalise(Tensor inputs, double mean, double scale) => (inputs - mean) * (1.0 / scale);");
            text.AppendLine();
            text.AppendLine("    public static bool AllFinite(Tensor values) => values.isfinite().all().item<bool>();");
        }
        text.AppendLine("}");
        text.AppendLine();
    }
}
