using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using NanGuard.Testing;
using NanGuard.CodeFixes.Rules;
using Xunit;

namespace NanGuard.Analyzers.Tests.Infrastructure;

/// <summary>
/// Fix-all as dotnet format starts it: with the equivalence key of whatever action the analyzer's first finding
/// offered to this fixer, which is no key at all when that finding is another rule's (NanGuard's one analyzer reports
/// every rule), and with every finding of the analyzer in its diagnostic provider.
/// </summary>
public sealed class FixAllWithoutKeyTests
{
    private const string Source = """
        using TorchSharp;
        using static TorchSharp.torch;

        class C
        {
            static float Loss(Tensor logits, Tensor y) => -(y * torch.log(torch.softmax(logits, 1))).sum().item<float>();

            static void Train(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
            {
                var optimizer = torch.optim.Adam(model.parameters(), lr: 0.001);
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    var loss = nn.functional.mse_loss(model.call(x), y);
                    loss.backward();
                    optimizer.step();
                }
            }
        }
        """;

    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public async Task Fix_all_with_no_key_applies_the_first_offered_action_and_only_to_its_own_rule(FixAllScope scope)
    {
        var project = TestProject.Create(new[] { new TestSource("Test0.cs", Source) }, editorConfig: null, TestReferences.WithTorchSharp);
        var result = await AnalyzerRunner.RunAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new NanGuardRulesAnalyzer()));
        AnalyzerRunner.AssertNoAnalyzerExceptions(result);
        // The first finding is NG1001's, which the NG2001 fixer offers nothing for.
        Assert.Equal(new[] { "NG1001", "NG2001" }, result.Diagnostics.Select(d => d.Id));

        var fixer = new UnclippedStepCodeFix();
        var document = project.Documents.Single();
        var context = new FixAllContext(document, fixer, scope, codeActionEquivalenceKey: null!, new[] { "NG2001" },
            new KnownDiagnostics(result.Diagnostics), CancellationToken.None);
        var action = await fixer.GetFixAllProvider()!.GetFixAsync(context);

        Assert.NotNull(action);
        var operations = await action!.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        var text = (await changed.GetTextAsync()).ToString();
        Assert.Contains("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);", text);
        Assert.Contains("torch.log(torch.softmax(logits, 1))", text);
        Assert.Empty(TestProject.Errors((await changed.Project.GetCompilationAsync())!));
    }

    [Fact]
    public async Task Fix_all_with_no_key_and_nothing_it_can_fix_offers_nothing()
    {
        var project = TestProject.Create(new[] { new TestSource("Test0.cs", Source) }, editorConfig: null, TestReferences.WithTorchSharp);
        var result = await AnalyzerRunner.RunAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new NanGuardRulesAnalyzer()));
        var onlyNg1001 = result.Diagnostics.Where(d => d.Id == "NG1001").ToImmutableArray();

        var fixer = new UnclippedStepCodeFix();
        var context = new FixAllContext(project.Documents.Single(), fixer, FixAllScope.Solution, codeActionEquivalenceKey: null!, new[] { "NG2001" },
            new KnownDiagnostics(onlyNg1001), CancellationToken.None);

        Assert.Null(await fixer.GetFixAllProvider()!.GetFixAsync(context));
    }
}
