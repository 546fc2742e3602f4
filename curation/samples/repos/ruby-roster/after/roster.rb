# Player names per team, each team's list sorted.
def roster_by_team(players)
  players
    .group_by { |player| player[:team] }
    .transform_values { |members| members.map { |member| member[:name] }.sort }
end
