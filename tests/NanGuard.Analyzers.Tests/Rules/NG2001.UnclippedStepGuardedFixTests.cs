using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using NanGuard.Testing;
using NanGuard.CodeFixes.Rules;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.UnclippedStepAnalyzer,
    NanGuard.CodeFixes.Rules.UnclippedStepCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

/// <summary>NG2001's second fix: NanGuard.Runtime's guarded step, offered only where the project references the runtime.</summary>
public sealed class UnclippedStepGuardedFixTests
{
    private const string Loop = """
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        class Trainer
        {
            void Train(Linear model, Tensor x, Tensor y)
            {
                var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
                for (var i = 0; i < 10; i++)
                {
                    optimizer.zero_grad();
                    var loss = nn.functional.mse_loss(model.call(x), y);
                    loss.backward();
                    [|optimizer.step()|];
                }
            }
        }
        """;

    [Fact]
    public async Task Guarded_step_replaces_the_step_and_adds_the_using()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.GuardedStepEquivalenceKey;
        test.TestCode = Loop;
        test.FixedCode = """
            using NanGuard.Runtime;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            class Trainer
            {
                void Train(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = nn.functional.mse_loss(model.call(x), y);
                        loss.backward();
                        GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0);
                    }
                }
            }
            """;
        await test.RunAsync();
    }

    [Fact]
    public async Task Clip_fix_is_still_the_one_chosen_by_its_key_when_the_runtime_is_referenced()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithNanGuardRuntime;
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.EquivalenceKey;
        test.TestCode = Loop;
        test.FixedCode = Loop.Replace("[|optimizer.step()|];", "torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);\n            optimizer.step();");
        await test.RunAsync();
    }

    [Fact]
    public async Task Without_the_runtime_only_the_clip_fix_is_offered()
    {
        var test = Verify.Test();
        test.CodeActionEquivalenceKey = UnclippedStepCodeFix.GuardedStepEquivalenceKey;
        test.TestCode = Loop;
        test.FixedCode = Loop.Replace("[|optimizer.step()|]", "{|NG2001:optimizer.step()|}");
        // The NG2001 the fix could fix with another action stays, and the fixed code's markup says so.
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        await test.RunAsync();
    }
}
